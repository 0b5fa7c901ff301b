//! Golden files: every case in every format, byte for byte. `UPDATE_GOLDEN=1 cargo test -p
//! gateway-studio-core export` rewrites them; read the diff before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use super::cases;
use crate::export::{ExportFormat, export};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests-data/export")
}

/// The first line where `a` and `b` differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let (mut e, mut a) = (expected.lines(), actual.lines());
    for number in 1.. {
        match (e.next(), a.next()) {
            (None, None) => return "only line endings differ".to_string(),
            (x, y) if x != y => {
                return format!("line {number}:\n  golden: {x:?}\n  export: {y:?}");
            }
            _ => {}
        }
    }
    unreachable!()
}

#[test]
fn every_format_of_every_case_matches_its_golden_file() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for case in cases() {
        for format in ExportFormat::ALL {
            let text = export(&case.connection, format)
                .unwrap_or_else(|e| panic!("{} {format}: {e}", case.name));
            let path = root().join(case.name).join(format.file_name());
            if update {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, &text).unwrap();
                continue;
            }
            match fs::read_to_string(&path) {
                Ok(golden) if golden == text => {}
                Ok(golden) => stale.push(format!(
                    "{}: {}",
                    path.display(),
                    first_difference(&golden, &text)
                )),
                Err(e) => stale.push(format!("{}: {e}", path.display())),
            }
        }
    }
    assert!(
        stale.is_empty(),
        "golden files differ from the export (UPDATE_GOLDEN=1 rewrites them):\n{}",
        stale.join("\n")
    );
}

#[test]
fn no_golden_folder_is_left_without_a_case() {
    let names: Vec<&str> = cases().iter().map(|c| c.name).collect();
    for entry in fs::read_dir(root()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            names.contains(&name.as_str()),
            "tests-data/export/{name} belongs to no case: remove it"
        );
        for file in fs::read_dir(entry.path()).unwrap() {
            let file = file.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                ExportFormat::ALL.iter().any(|f| f.file_name() == file),
                "tests-data/export/{name}/{file} belongs to no format: remove it"
            );
        }
    }
}
