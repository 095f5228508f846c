//! Reads the names in a zip's central directory as they are written, duplicates included
//! (the zip reader keeps one entry per name), to name a duplicated entry in the error.

use std::io::{Read, Seek, SeekFrom};

const EOCD_SIG: u64 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u64 = 0x0706_4b50;
const CD_SIG: u64 = 0x0201_4b50;

fn u16_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?)))
}

fn u32_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?)))
}

fn u64_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?))
}

/// The first name that occurs twice in the central directory, if any.
pub fn first_duplicate(file: &mut (impl Read + Seek)) -> Option<String> {
    let (offset, size) = directory_span(file)?;
    if size > 256 << 20 {
        return None;
    }
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut dir = vec![0u8; usize::try_from(size).ok()?];
    file.read_exact(&mut dir).ok()?;
    let mut seen = std::collections::HashSet::new();
    let mut i = 0usize;
    while u32_at(&dir, i) == Some(CD_SIG) {
        let name_len = usize::try_from(u16_at(&dir, i + 28)?).ok()?;
        let extra = usize::try_from(u16_at(&dir, i + 30)?).ok()?;
        let comment = usize::try_from(u16_at(&dir, i + 32)?).ok()?;
        let name = String::from_utf8_lossy(dir.get(i + 46..i + 46 + name_len)?).into_owned();
        if !seen.insert(name.clone()) {
            return Some(name);
        }
        i += 46 + name_len + extra + comment;
    }
    None
}

/// Offset and size of the central directory, from the (zip64) end-of-directory record.
fn directory_span(file: &mut (impl Read + Seek)) -> Option<(u64, u64)> {
    let len = file.seek(SeekFrom::End(0)).ok()?;
    let tail_len = len.min(65_557);
    file.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0u8; usize::try_from(tail_len).ok()?];
    file.read_exact(&mut tail).ok()?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(&tail, i) == Some(EOCD_SIG))?;
    let (size, offset) = (u32_at(&tail, eocd + 12)?, u32_at(&tail, eocd + 16)?);
    if offset != 0xFFFF_FFFF && size != 0xFFFF_FFFF {
        return Some((offset, size));
    }
    let loc = eocd.checked_sub(20)?;
    if u32_at(&tail, loc) != Some(ZIP64_LOCATOR_SIG) {
        return None;
    }
    let rec_offset = u64_at(&tail, loc + 8)?;
    file.seek(SeekFrom::Start(rec_offset)).ok()?;
    let mut rec = [0u8; 56];
    file.read_exact(&mut rec).ok()?;
    Some((u64_at(&rec, 48)?, u64_at(&rec, 40)?))
}
