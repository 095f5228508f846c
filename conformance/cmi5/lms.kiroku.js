/*
    kiroku's adapter for ADL's CATAPULT LMS test suite (adlnet/CATAPULT, lts/): the
    functions of the suite's lib/lms.template.js, over kiroku's tenant admin API.
    conformance/cmi5/run.sh copies it into the suite's checkout as lib/lms.kiroku.js and
    sets the environment it reads:

      KIROKU_URL             the app origin, e.g. http://127.0.0.1:8080
      KIROKU_ADMIN_KEY/_SECRET  a credential with the `admin` scope
      KIROKU_LRS_KEY/_SECRET    a credential with the `all` scope (the suite reads statements)
*/
"use strict";

const Wreck = require("@hapi/wreck"),
    {InvalidPackageError} = require("./errors"),
    base = process.env.KIROKU_URL,
    basic = (k, s) => `Basic ${Buffer.from(`${k}:${s}`).toString("base64")}`,
    adminAuth = basic(process.env.KIROKU_ADMIN_KEY, process.env.KIROKU_ADMIN_SECRET),
    lrsAuth = basic(process.env.KIROKU_LRS_KEY, process.env.KIROKU_LRS_SECRET),
    imported = [];

const api = async (method, path, payload, headers = {}) => {
    const res = await Wreck.request(method, `${base}${path}`, {
        headers: {Authorization: adminAuth, ...headers},
        payload
    });
    const body = await Wreck.read(res);
    let json;
    try {
        json = body.length ? JSON.parse(body.toString()) : null;
    }
    catch (ex) {
        json = body.toString();
    }
    return {status: res.statusCode, json};
};

const jsonApi = (method, path, body) => api(method, path, JSON.stringify(body), {"Content-Type": "application/json"});

// The AUs of a package's course model in document order (objects with a launch method).
const ausOf = async (packageId, version) => {
    const {status, json} = await api("GET", `/api/v1/packages/${encodeURIComponent(packageId)}`);
    if (status !== 200) {
        throw new Error(`package ${packageId}: ${status} ${JSON.stringify(json)}`);
    }
    const out = [],
        walk = (v) => {
            if (Array.isArray(v)) {
                v.forEach(walk);
            }
            else if (v && typeof v === "object") {
                if (typeof v.launchMethod === "string" && typeof v.id === "string") {
                    out.push(v.id);
                    return;
                }
                Object.values(v).forEach(walk);
            }
        };
    walk(json.course.structure);
    return out;
};

const auAt = async (packageId, index) => {
    const aus = await ausOf(packageId);
    if (index >= aus.length) {
        throw new Error(`package ${packageId} has ${aus.length} AUs, not ${index + 1}`);
    }
    return aus[index];
};

module.exports = {
    setup: async () => {},
    teardown: async () => {},
    getLrsEndpoint: () => `${base}/xapi`,
    getLrsAuthHeader: () => lrsAuth,

    importCourse: async (stream, contentType, filename) => {
        const {status, json} = await api("POST", "/api/v1/packages", stream, {"Content-Type": contentType});
        if (status === 201 || status === 200) {
            imported.push(json.packageId);
            return json.packageId;
        }
        if (status >= 400 && status < 500) {
            throw new InvalidPackageError(`${filename}: ${status} ${JSON.stringify(json)}`);
        }
        throw new Error(`import of ${filename} failed: ${status} ${JSON.stringify(json)}`);
    },

    getLaunchUrl: async (courseId, auIndex, actor, {registration, launchMode}) => {
        const item = await auAt(courseId, auIndex);
        let res;
        if (registration) {
            res = await jsonApi("POST", `/api/v1/registrations/${registration}/launch`, {item, launchMode});
        }
        else {
            const name = actor.account.name;
            res = await jsonApi("POST", "/api/v1/launch", {
                learner: {id: name, name},
                packageId: courseId,
                item,
                launchMode
            });
        }
        if (res.status !== 200) {
            throw new Error(`launch: ${res.status} ${JSON.stringify(res.json)}`);
        }
        return res.json.url;
    },

    cleanup: async () => {
        while (imported.length > 0) {
            const id = imported.pop(),
                {status, json} = await api("DELETE", `/api/v1/packages/${encodeURIComponent(id)}?force=true`);
            if (status !== 204 && status !== 200) {
                console.log(`cleanup of package ${id}: ${status} ${JSON.stringify(json)}`);
            }
        }
    },

    hasWaive: () => true,
    waiveAU: async (registration, auIndex, reason) => {
        const reg = await api("GET", `/api/v1/registrations/${registration}`);
        if (reg.status !== 200) {
            throw new Error(`registration ${registration}: ${reg.status} ${JSON.stringify(reg.json)}`);
        }
        const au = await auAt(reg.json.packageId, auIndex),
            res = await jsonApi("POST", `/api/v1/registrations/${registration}/waive`, {au, reason});
        if (res.status !== 200) {
            throw new Error(`waive: ${res.status} ${JSON.stringify(res.json)}`);
        }
    },

    hasAbandon: () => true,
    abandonSession: async (sessionId) => {
        const res = await api("POST", `/api/v1/cmi5/sessions/${sessionId}/abandon`);
        if (res.status !== 200) {
            throw new Error(`abandon: ${res.status} ${JSON.stringify(res.json)}`);
        }
    }
};
