# kiroku's messages in English. Every id here exists in ja.ftl too (a test fails
# otherwise). Ids starting with js- are handed to the pages' scripts; their
# placeables are { $name } only, never selectors.

app-name = kiroku
lang-label = Language
lang-switch = Switch
lang-en = English
lang-ja = 日本語
skip-link = Skip to the content
main-nav = Main
nav-home = Home
nav-admin = Admin

## Formats (dates are UTC; the month and day names are the language's)
date-time = { $day } { $month } { $year }, { $hour }:{ $minute } UTC
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
duration-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
duration-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
duration-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
duration-seconds = { $n ->
    [one] { $n } second
   *[other] { $n } seconds
}
duration-join = { $a } { $b }

## The app origin's home page
home-title = Welcome to kiroku
home-lead = Courses, learners and their learning records in one place: SCORM, xAPI and cmi5 packages, a learning record store, and progress reports.
home-signin = Sign in
home-signin-lead = Administrators, content authors and operators sign in here.
home-xapi = LMSs and reporting tools reach the learning record store at { $url }.
home-setup-pending = This service has no operator account yet. Open the one-time setup link that kiroku serve printed when it started.

## The content origin's root
content-title = kiroku content address
content-body = This address serves course content to learners' browsers, through the launch links kiroku gives out. There is nothing to see here: open kiroku at its app address.

## First run: the setup link
setup-title = Set up kiroku
setup-lead = Create the first operator account. The operator runs the service: tenants, plans, resellers and their accounts.
setup-expires = This link works once, until { $time } (for { $duration } more).
setup-login = Login
setup-login-hint = 3 to 128 characters: letters, digits, '.', '_', '-', '@' or '+'.
setup-password = Password
setup-password-hint = { $n } characters or more, not the login.
setup-password-again = Password again
setup-submit = Create the operator account
setup-link-invalid = This setup link has expired or was used already. Restart kiroku serve to get a new one.
setup-not-needed = This service has an operator account already, so setup links no longer work. Sign in instead.
setup-mismatch = The two passwords differ.
setup-login-invalid = A login is 3 to 128 characters of letters, digits, '.', '_', '-', '@' or '+'.
setup-password-short = A password needs at least { $n } characters.
setup-password-long = A password may have at most { $n } characters.
setup-password-is-login = The password must not be the login.
setup-login-taken = That login is taken.
setup-done = The operator account { $login } exists. Sign in with it.
error-title = kiroku
error-back = Back to the home page
error-form = The form was incomplete. Go back and try again.
error-csrf = This page is out of date. Reload it and try again.

## The admin page
admin-title = kiroku admin
signin-title = Sign in
field-login = Login
field-password = Password
signin-button = Sign in
account-title = Signed in
who-role = Role
who-tenant = Tenant
who-end-client = End client
signout = Sign out
tenants-title = Tenants
col-tenant = Tenant
col-status = Status
col-plan = Plan
col-reseller = Reseller
col-actions = Actions
tenants-empty = No tenants yet.
current-tenant = Tenant:
learners-title = Learners
col-id = Id
col-name = Name
col-end-client = End client
learners-empty = No learners yet.
report-title = Progress
col-learner = Learner
col-package = Package
col-completed = Completed
col-items = Items (completion / success)
report-empty = No registrations yet.
no-tenant = Open a tenant above to see its learners and progress.
password-title = Change password
current-password = Current password
new-password = New password ({ $n } characters or more)
password-button = Change password

## The admin page's script
js-open = Open
js-suspend = Suspend
js-resume = Resume
js-yes = yes
js-no = no
js-none = —
js-package-version = { $package } (version { $version })
js-signed-out = Signed out.
js-password-changed = Password changed. Other sessions of this account have ended.
js-server-answered = the server answered { $status }
js-retry-after = (try again in { $secs } seconds)
js-wrong-login = wrong login or password
js-locked = This account is locked after too many failed sign-ins; try again later.
js-throttled = Too many failed sign-ins from this address; try again later.
js-current-password-wrong = The current password is wrong.
js-tenant-suspended = This tenant is suspended: its data is kept, but it cannot be used until it is resumed.
js-tenant-terminated = This tenant's contract has ended.
js-rate-limited = Too many requests for this tenant's plan; try again shortly.
js-password-rule = The new password needs at least { $n } characters and must not be the login.
js-session-ended = Your session has ended. Sign in again.
js-setup-done = The operator account exists. Sign in with it.
js-role-operator = operator
js-role-reseller-admin = reseller admin
js-role-tenant-admin = tenant admin
js-role-end-client-admin = end-client admin
js-status-active = active
js-status-suspended = suspended
js-status-terminated = terminated
js-completion-completed = completed
js-completion-incomplete = incomplete
js-completion-not-attempted = not attempted
js-completion-unknown = unknown
js-success-passed = passed
js-success-failed = failed
js-success-unknown = unknown

## The course library (/courses)
nav-courses = Courses
courses-title = Course library
courses-tenant = Tenant: { $tenant }
courses-library = Courses
courses-empty = No course yet. Upload a package above.
tenant-page-signin = Sign in to see your tenant's pages.
tenant-page-forbidden = This account may not see this tenant's pages.
tenant-page-not-found = This account sees no such page or tenant. An operator or reseller admin names the tenant with ?tenant=NAME.
courses-back = All courses
col-course = Course
col-kind = Kind
col-latest-version = Latest version
col-version = Version
col-size = Size
col-files = Files
col-uploaded = Uploaded
col-registrations = Registrations
kind-scorm12 = SCORM 1.2
kind-scorm2004 = SCORM 2004
kind-cmi5 = cmi5
kind-xapi = xAPI (Tin Can)
kind-with-edition = { $kind } ({ $edition })
edition-2nd = 2nd edition
edition-3rd = 3rd edition
edition-4th = 4th edition
course-identifier = Identifier
course-package-id = Package id
course-versions = Versions
course-structure = Structure
course-structure-of = As in version { $version }.
course-launchable = launchable
course-unit = launchable unit
upload-title = Upload a package
upload-field = Package file (.zip, or a cmi5.xml)
upload-hint = A new package, or a new version of one already here (same course identifier).
upload-button = Upload
upload-noscript = Uploading from this page needs JavaScript. Without it, use the API: POST /api/v1/packages.
js-upload-sending = Uploading… { $percent } %
js-upload-importing = Checking and importing the package…
js-upload-done = Imported “{ $title }”, version { $version }.
js-upload-refused = The package was refused (the server answered { $status }).
js-upload-rule = Rule
js-upload-file = File
js-upload-position = Position
js-upload-line = line { $line }, column { $column }
js-upload-failed = The upload did not reach the server. Check the connection and try again.

## The learners page (/learners)
nav-learners = Learners
learners-list = All learners
learners-count = Showing { $shown } of { $count } learners (the export holds them all).
learners-export = Export as CSV
learners-import = Import from CSV
learners-import-hint = The first line names the columns: id, name, email, endClient (id and name are needed). A row with an id that exists updates that learner; a bad row is reported and nothing of it is stored.
learners-file = CSV file (UTF-8)
learners-import-button = Import
learners-noscript = Importing from this page needs JavaScript. Without it, use the API: POST /api/v1/learners.csv.
col-email = E-mail
col-updated = Updated
js-csv-sending = Importing…
js-csv-done = { $created } created, { $updated } updated.
js-csv-refused = { $n } rows were refused:
js-csv-row = Row
js-csv-id = Id
js-csv-why = Why
js-csv-file-refused = The file was refused (the server answered { $status }).
js-csv-failed = The file did not reach the server. Check the connection and try again.

## The credentials page (/credentials)
nav-credentials = Credentials
credentials-title = LRS credentials
credentials-lead = Reporting tools and an LMS use these to reach the tenant's LRS at { $endpoint } (HTTP Basic: the key and the secret), and the admin API with the admin scope.
credentials-create = Create a credential
credentials-label = Label (what uses it)
credentials-create-button = Create
credentials-noscript = Creating credentials from this page needs JavaScript. Without it, use the API: POST /api/v1/credentials.
credentials-list = Credentials
credentials-revoke = Revoke
col-label = Label
col-key = Key
col-scopes = Scopes
col-created = Created
scope-statements-write = write statements
scope-statements-read = read every statement
scope-statements-read-mine = read the statements it wrote
scope-all-read = read everything
scope-all = read and write everything in the LRS
scope-state = State documents
scope-profile = Activity and Agent Profile documents
scope-define = its activity definitions are kept
scope-admin = the tenant admin API (packages, learners, launches)
js-cred-once = Copy the secret now: it is shown only once and cannot be read back.
js-cred-endpoint = Endpoint
js-cred-key = Key
js-cred-secret = Secret
js-cred-refused = The credential was not created (the server answered { $status }).
js-cred-confirm = Revoke the credential { $key }? Whatever uses it stops working at once.
js-cred-revoked = The credential { $key } is revoked.

## The settings page (/settings)
nav-settings = Settings
settings-title = Tenant settings
settings-saved = The settings are saved.
settings-strict = Keep SCORM 1.2 suspend data to the standard's 4,096 characters
settings-strict-hint = Off, SCORM 1.2 content may keep up to 64,000 characters, as much real content needs.
settings-policy = A second browser launching with a learner ID already in use
settings-policy-hint = One ID is one person: the terms of service let a learner ID be used by one person at a time.
policy-allow = is allowed (both run)
policy-refuse = is refused while the first is in use
policy-end-first = ends the first one's session
settings-retention = Days statements are kept (0: forever)
settings-retention-hint = Older statements are deleted daily.
settings-cmi5-timeout = Minutes a cmi5 session may stay idle before it is abandoned (0: never)
settings-cmi5-timeout-hint = An abandoned session is recorded as such; its AU can be launched again.
settings-xapi = xAPI version of the tenant's LRS: { $version } (set when the tenant was created).
settings-save = Save
settings-bad-number = The days and minutes are whole numbers (0 or more).

## Launching a course from its page
launch-title = Open in the player
launch-hint = As an LMS launch does: the learner is created on first use and registered on the newest version; their progress counts in the reports.
launch-learner = Learner ID
launch-name = Learner's name
launch-button = Open in the player
js-upload-launch-refused = The course could not be opened:

## The audit log page (/audit)
nav-audit = Audit log
audit-title = Audit log
audit-since = From (UTC)
audit-action = Kind of action (its start, such as learner. or package.imported)
audit-target = Target contains
audit-filter = Show
audit-limit = Newest first, at most { $n } entries; the admin API (GET /api/v1/audit) pages through all of them.
audit-empty = No entry matches.
audit-bad-date = The date is not a date (YYYY-MM-DD).
col-when = When
col-action = Action
col-target = Target
col-actor = By
col-address = From address
col-detail = Detail

## The end clients page (/end-clients)
nav-end-clients = End clients
end-clients-title = End clients
end-clients-list = End clients
end-clients-empty = No end client yet.
end-clients-create = Add an end client
end-clients-id = Id
end-clients-id-hint = 1 to 64 letters, digits, ., _ or - (it names the end client in the API and in CSV files).
end-clients-name = Name
end-clients-create-button = Add
end-clients-created = The end client { $id } is added.

## The tenants page (/tenants)
nav-tenants = Tenants
tenants-forbidden = Only the operator and reseller admins manage tenants.
tenants-created = The tenant { $name } is created. Add its admin account with the account API or kiroku account create.
tenants-create = Create a tenant
tenants-name = Name
tenants-name-hint = 1 to 64 letters, digits, ., _ or -; it is part of the tenant's learners' xAPI identity and cannot change.
tenants-xapi-version = xAPI version for requests that do not name one
tenants-no-plan = no plan (no quotas)
tenants-create-button = Create
tenants-list = Tenants
tenants-pages = Pages

learners-create = Add a learner
learners-deleted = Learner { $id } was deleted.
learner-title = Learner
learner-heading = Learner: { $name }
learner-back = Back to all learners
learner-saved = Saved.
learner-edit = Details
learner-id-hint = The learner's individual ID, unique in the tenant (the LMS's or your own; no "/"). It cannot be changed later.
learner-no-end-client = none (the tenant itself)
learner-save = Save
learner-create = Add
learner-registrations = Registrations
learner-no-registrations = No registrations.
col-registration = Registration
learner-delete = Delete this learner
learner-delete-plain = The learner has no registrations: only the learner record is deleted.
learner-delete-forced = The learner has { $n } registrations. Deleting also deletes them with their progress, and ends the learner's open sessions at once (forced deletion). Statements already in the LRS stay; to erase the learner's personal data everywhere, use the erasure API.
learner-delete-confirm = Yes, delete { $id } now
learner-delete-button = Delete
learner-confirm-needed = Tick the confirmation to delete the learner.
learner-exists = A learner with this ID already exists.
learner-has-registrations = The learner has registrations: reload the page to delete them too.
learner-invalid = The learner was not saved: { $detail }

course-delete = Delete
course-delete-back = Back to the course
course-delete-version = A version
course-delete-version-hint = A version no registration uses can be deleted; the course keeps its other versions.
course-delete-version-none = No version can be deleted on its own: registrations use every version, or the course has only one (delete the course instead).
course-delete-version-label = Version
course-delete-version-confirm = Yes, delete this version now
course-delete-version-button = Delete the version
course-delete-course = The whole course
course-delete-plain = No registration uses the course: its versions and files are deleted.
course-delete-forced = { $n } registrations use the course. Deleting it also deletes them with the learners' progress (forced deletion). Statements already in the LRS stay.
course-delete-confirm = Yes, delete { $title } now
course-delete-button = Delete the course
course-delete-conflict = It cannot be deleted now: registrations use it, or it is the course's only version. Reload the page to see what changed.
course-delete-confirm-needed = Tick the confirmation (and choose a version) to delete.

nav-statements = Statements
statements-title = Statements
statements-hint = The tenant's learning record store, newest first, as an xAPI query finds them. Each statement's JSON is under its row.
statements-agent = Learner or agent
statements-agent-hint = A learner's ID, an e-mail address, or an agent as JSON.
statements-verb = Verb (IRI)
statements-activity = Activity (IRI)
statements-registration = Registration (UUID)
statements-since = From (date)
statements-until = To (date)
statements-related-activities = Also statements about the activity in their context or sub-statements
statements-related-agents = Also statements naming the agent elsewhere (context, authority, object)
statements-filter = Show
statements-empty = No statement matches.
statements-more = Older statements
statements-bad-filter = A filter is not valid:
statements-json = Statement JSON
statements-success = success
statements-failure = failure
statements-completion = completed
col-stored = Stored
col-verb = Verb
col-object = Object
col-result = Result
## The notices page (/notices)
nav-notices = Notices
notices-title = Notices
notices-intro = Notices from the service to your organisation: maintenance announced ahead, incidents as they are worked on, and general notices. Each takes effect when it is posted; admins with an e-mail address receive them by e-mail too.
notices-empty = No notices.
notices-kind-maintenance = Maintenance
notices-kind-incident = Incident
notices-kind-general = Notice
notices-posted = Posted { $at }
notices-window = Window: { $start } to { $end }
notices-open = Being worked on
notices-resolved = Resolved { $at }
notices-updates = Updates

health-title = Service health
health-hint = Version { $version }. This server's view of the store, the backups and what it has done since it started.
health-forbidden = Only the operator sees the service's health.
health-store = Store
health-store-ok = { $kind } answers ({ $ms } ms).
health-store-down = { $kind } does not answer:
health-backups = Backups
health-target = Where
health-target-folder = Backup folder
health-target-s3 = Object storage (S3)
health-newest = Newest backup
health-age = Age
health-verified = Last verified sound
health-problems = Newest backup's check
health-off-folder = No backup folder: this server takes no backups.
health-off-s3 = Not configured: backups stay on this machine's folder only.
health-unreadable = Cannot be read:
health-none = No backup yet.
health-never = never
health-unverified = not verified yet
health-sound = sound
health-counts = Since this server started
health-requests = Requests
health-server-errors = Server errors (5xx)
health-statements = Statements stored
health-launches = Launches
health-commits = SCORM commits
health-imports = Courses imported
health-imports-refused = Imports refused
nav-health = Health
## The operator's and reseller admins' pages: a tenant's page, plans, resellers
nav-plans = Plans
nav-resellers = Resellers
operator-only = Only the operator may see this page.
optenant-title = Tenant
optenant-heading = Tenant { $name }
optenant-back = Back to the tenants
optenant-not-found = This account reaches no tenant of that name.
optenant-reason = reason
optenant-usage = Quotas and what it uses now
optenant-quota = Quota
optenant-used = Used now
optenant-limit = Plan's limit
optenant-statements-month = Statements this month (UTC)
optenant-status-h = Suspend or resume
optenant-suspend-reason = Reason for the suspension
optenant-suspend-hint = The tenant's admins and API clients see this reason while the tenant is suspended. Nothing of its data changes.
optenant-suspend-confirm = Yes, suspend this tenant now: every request of it is refused until it is resumed
optenant-resume = Resume
optenant-resume-confirm = Yes, resume this tenant now: its requests are accepted again
optenant-plan-h = Plan
optenant-plan-hint = The new plan's quotas apply from the next request.
optenant-plan-button = Change the plan
optenant-no-plans = There are no plans yet; the operator creates them on the plans page.
optenant-accounts-h = Admin accounts
optenant-done-suspended = The tenant is suspended.
optenant-done-resumed = The tenant is resumed.
optenant-done-plan = The plan is changed.
optenant-done-account = The account is created. Give its login and initial password to its holder, who should change the password after signing in.
optenant-refused = Not done
optenant-confirm-needed = Tick the confirmation to go ahead.
optenant-terminate-h = Terminating the tenant
optenant-terminate-export = The tenant's data is exported into one archive (statements, documents, learners, packages and their files).
optenant-terminate-verify = The archive is read back and verified; if anything fails, nothing is erased.
optenant-terminate-erase = Every row of the tenant and every content file no other tenant uses is erased, and the erasure is checked to leave nothing.
optenant-terminate-tombstone = The tenant stays listed as terminated, so its name stays reserved.
accounts-none = No accounts yet.
accounts-login = Login (e-mail)
accounts-role = Role
accounts-where = Reseller or end client
accounts-create = Create an account
accounts-initial-password = Initial password
accounts-password-hint = At least { $min } characters, and not the login. The holder changes it after signing in.
accounts-no-end-client = none (a tenant admin)
accounts-end-client-hint = An end-client admin account needs its end client.
accounts-create-button = Create the account
plans-title = Plans and quotas
plans-list = Plans
plans-none = No plans yet. A tenant without a plan has no limits.
plans-storage = Storage
plans-storage-bytes = Storage (bytes)
plans-learners = Learners
plans-statements = Statements per month
plans-requests = Requests per minute
plans-tenants = Tenants using it
plans-unlimited = unlimited
plans-no-edit = A plan cannot be changed once created. To change a tenant's quotas, create a plan and move the tenant to it on its page.
plans-create = Create a plan
plans-name-hint = 1 to 64 letters, digits, ., _ or -; it cannot change.
optenant-xapi-version = xAPI version
plans-blank-unlimited = Leave a quota blank for no limit.
plans-create-button = Create the plan
plans-created = The plan { $name } is created.
resellers-title = Resellers
resellers-none = No resellers yet.
resellers-admins = Reseller admin accounts
resellers-create = Create a reseller
resellers-name-hint = 1 to 64 letters, digits, ., _ or -; it cannot change.
resellers-create-button = Create the reseller
resellers-create-admin = Create a reseller admin account
resellers-done-reseller = The reseller is created.
resellers-done-account = The account is created. Give its login and initial password to its holder, who should change the password after signing in.
tenant-page-suspended = This tenant is suspended: { $reason }
tenant-page-suspended-no-reason = This tenant is suspended. Ask the operator or your reseller why.
optenant-terminate-warning = Termination cannot be undone. The tenant's data leaves the service as one archive, and is then erased.
optenant-terminate-where = The archive is written on this server to
optenant-terminate-type = To terminate, type the tenant's name ({ $name })
optenant-terminate-button = Export, then erase the tenant
optenant-terminate-operator-only = Only the operator terminates a tenant.
optenant-terminate-confirm-needed = Type the tenant's name exactly to terminate it.
optenant-terminate-done-already = The tenant is already terminated.
optenant-terminated-archive = The tenant is terminated. Its archive was written to { $path }. Should a termination have been cut short, the CLI finishes it: kiroku tenant terminate with --export set to that path.
optenant-done-terminated = The tenant is terminated: its archive is written and verified, and its data erased.
accounts-notice-email = E-mail address for notices (optional)
accounts-notice-email-hint = Maintenance and incident notices to the account's tenants are sent here.
