//! A one-SCO SCORM package built in memory for the `commits` mode.

use std::io::{Cursor, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

const MANIFEST_12: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.kiroku.bench.scorm12" version="1"
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Commit benchmark</title>
      <item identifier="ITEM-1" identifierref="RES-1"><title>Quiz</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"#;

const MANIFEST_2004: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.kiroku.bench.scorm2004" version="1"
          xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
          xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
          xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Commit benchmark</title>
      <item identifier="ITEM-1" identifierref="RES-1"><title>Quiz</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-1" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"#;

const INDEX: &str = "<!doctype html><title>Quiz</title><p>The commit benchmark's SCO.</p>\n";

/// The zip of a one-SCO package of SCORM `version` ("1.2" or "2004").
pub fn scorm_zip(version: &str) -> Result<Vec<u8>, String> {
    let manifest = if version == "1.2" { MANIFEST_12 } else { MANIFEST_2004 };
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    for (name, text) in [("imsmanifest.xml", manifest), ("index.html", INDEX)] {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}
