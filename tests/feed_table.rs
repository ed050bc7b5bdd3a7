//! The catalog table: byte-faithful round trips, editing with undo and redo, row and column
//! operations, journal replay, cancelled loads, atomic saves and incremental re-validation.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use proptest::prelude::*;
use seller_console::feed::io::IoError;
use seller_console::feed::schema::Schema;
use seller_console::feed::sniff::{LineEnding, TextEncoding};
use seller_console::feed::table::{CellValue, Edit, FindingCounts, Table, TableError};
use seller_console::feed::{Diagnostic, Severity};

fn table(s: &str) -> Table {
    Table::from_bytes(s.as_bytes().to_vec())
}

fn text(t: &Table) -> String {
    String::from_utf8(t.to_bytes()).expect("saved text is UTF-8")
}

/// Files whose bytes must survive a load and save untouched.
const ODD_FILES: &[&str] = &[
    "id,title\nA,plain\n",
    "id,title\r\nA,\"quoted for no reason\"\r\nB,\"has, comma\"\r\n",
    "\u{feff}id,title\nA,with BOM\n",
    "id,description\nA,\"line one\nline two\"\nB,\"say \"\"hi\"\"\"\n",
    "id,title\nA,no newline at the end",
    "id,title\n\nA,blank line above\n\n\nB,and two more\n",
    "id,title,price\nA,short\nB,long,1.00 USD,extra,fields\n",
    "id\ttitle\nA\ttab, separated\n",
    "id;title\nA;\"semi;colon\"\n",
    "id,size\nA,5\" screen\nB,\"ab\"c\n",
    "id,title\r\nA,crlf\nB,then lf\rC,then cr\r\n",
    "\n\nid,title\nA,leading blank lines\n",
    "id,title\nA,\"unterminated quote\n",
    "",
    "id,title",
    "id,title\n\"\"\n",
];

#[test]
fn untouched_files_round_trip_byte_for_byte() {
    for &f in ODD_FILES {
        assert_eq!(text(&table(f)), f, "round trip changed {f:?}");
    }
}

#[test]
fn cells_are_parsed_with_quotes_newlines_and_bom() {
    let t =
        table("\u{feff}id,description,size\r\nA,\"line one\nline two\",\"5\"\" tall\"\r\nB,x\r\n");
    assert_eq!(t.header(), ["id", "description", "size"]);
    assert_eq!(t.row_count(), 2);
    assert_eq!(t.column_count(), 3);
    assert_eq!(t.cell(0, 1), "line one\nline two");
    assert_eq!(t.cell(0, 2), "5\" tall");
    assert_eq!(t.row_cells(1), ["B", "x", ""]);
    assert_eq!(t.dialect().line_ending, LineEnding::CrLf);
    assert!(t.dialect().has_bom);
    assert_eq!(t.cell(5, 0), "", "out of range reads as empty");
}

#[test]
fn editing_one_cell_rewrites_only_that_row() {
    let src = "id,title,link\r\nA,\"Tee\",\"https://x/a\"\r\nB,\"Mug\",https://x/b\r\nC,Cap,\"https://x/c\"";
    let mut t = table(src);
    t.set_cell(1, 1, "Mug, large").unwrap();
    assert!(t.is_dirty());
    assert_eq!(
        text(&t),
        "id,title,link\r\nA,\"Tee\",\"https://x/a\"\r\nB,\"Mug, large\",https://x/b\r\nC,Cap,\"https://x/c\""
    );
    // Setting the value back to the file's makes the row untouched again.
    t.set_cell(1, 1, "Mug").unwrap();
    assert_eq!(text(&t), src);
}

#[test]
fn new_rows_use_the_file_line_ending_and_keep_a_missing_final_newline() {
    let mut t = table("id,title\r\nA,x");
    t.apply(Edit::InsertRows { at: 1, count: 1 }).unwrap();
    t.set_cell(1, 0, "B").unwrap();
    t.set_cell(1, 1, "two\nlines").unwrap();
    assert_eq!(text(&t), "id,title\r\nA,x\r\nB,\"two\nlines\"");
    t.apply(Edit::InsertRows { at: 0, count: 1 }).unwrap();
    t.set_cell(0, 0, "Z").unwrap();
    assert_eq!(text(&t), "id,title\r\nZ,\r\nA,x\r\nB,\"two\nlines\"");
}

#[test]
fn undo_and_redo_walk_back_and_forth() {
    let src = "id,title\nA,one\nB,two\n";
    let mut t = table(src);
    assert!(!t.is_dirty());
    t.set_cell(0, 1, "uno").unwrap();
    t.set_cell(1, 1, "dos").unwrap();
    t.apply(Edit::DeleteRows { rows: vec![0] }).unwrap();
    assert_eq!(text(&t), "id,title\nB,dos\n");
    assert!(t.undo());
    assert_eq!(text(&t), "id,title\nA,uno\nB,dos\n");
    assert!(t.undo());
    assert!(t.undo());
    assert_eq!(text(&t), src);
    assert!(!t.is_dirty(), "undoing everything is clean again");
    assert!(!t.undo());
    assert!(t.redo());
    assert!(t.redo());
    assert_eq!(text(&t), "id,title\nA,uno\nB,dos\n");
    // A new edit drops the redo list.
    t.set_cell(0, 0, "AA").unwrap();
    assert!(!t.can_redo());
    assert!(!t.redo());
    assert_eq!(text(&t), "id,title\nAA,uno\nB,dos\n");
}

#[test]
fn deleting_and_restoring_rows_keeps_their_bytes() {
    let src = "id,title\nA,\"odd\"\nB,x\nC,\"y\"\nD,z\n";
    let mut t = table(src);
    t.apply(Edit::DeleteRows {
        rows: vec![2, 0, 2],
    })
    .unwrap();
    assert_eq!(t.row_count(), 2);
    assert_eq!(text(&t), "id,title\nB,x\nD,z\n");
    t.undo();
    assert_eq!(text(&t), src);
}

#[test]
fn duplicate_row_copies_values_below_it() {
    let mut t = table("id,title\nA,\"Tee, navy\"\nB,x\n");
    t.apply(Edit::DuplicateRow { row: 0 }).unwrap();
    assert_eq!(t.row_cells(1), ["A", "Tee, navy"]);
    t.set_cell(1, 0, "A2").unwrap();
    assert_eq!(
        text(&t),
        "id,title\nA,\"Tee, navy\"\nA2,\"Tee, navy\"\nB,x\n"
    );
    t.undo();
    t.undo();
    assert_eq!(t.row_count(), 2);
}

#[test]
fn appending_a_column_keeps_untouched_rows_as_a_prefix() {
    let src = "id,title\r\nA,\"quoted\"\r\nB,x\r\n";
    let mut t = table(src);
    t.apply(Edit::InsertColumn {
        at: 2,
        name: "brand".into(),
    })
    .unwrap();
    assert_eq!(t.header(), ["id", "title", "brand"]);
    t.set_cell(1, 2, "Northline").unwrap();
    assert_eq!(
        text(&t),
        "id,title,brand\r\nA,\"quoted\",\r\nB,x,Northline\r\n"
    );
    t.undo();
    t.undo();
    assert_eq!(text(&t), src);
}

#[test]
fn inserting_deleting_and_renaming_columns() {
    let src = "id,titel,price\nA,Tee,1.00 USD\nB,Mug,2.00 USD\n";
    let mut t = table(src);
    t.apply(Edit::RenameColumn {
        col: 1,
        name: "title".into(),
    })
    .unwrap();
    assert_eq!(text(&t), "id,title,price\nA,Tee,1.00 USD\nB,Mug,2.00 USD\n");
    t.apply(Edit::InsertColumn {
        at: 1,
        name: "brand".into(),
    })
    .unwrap();
    t.apply(Edit::DeleteColumn { col: 3 }).unwrap();
    assert_eq!(t.header(), ["id", "brand", "title"]);
    assert_eq!(text(&t), "id,brand,title\nA,,Tee\nB,,Mug\n");
    assert_eq!(t.cell(1, 2), "Mug");
    t.undo();
    t.undo();
    t.undo();
    assert_eq!(text(&t), src);
    assert!(matches!(
        t.apply(Edit::DeleteColumn { col: 9 }),
        Err(TableError::InvalidEdit(_))
    ));
}

#[test]
fn edits_survive_save_and_reload() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.csv");
    let original = "id,title,description\r\nA,Tee,\"soft\r\ncotton\"\r\nB,Mug,plain\r\n";
    std::fs::write(&path, original).unwrap();
    let cancel = AtomicBool::new(false);
    let mut t = Table::open(&path, &cancel, |_, _| {}).unwrap();
    t.set_cell(1, 2, "stoneware, \"dishwasher safe\"").unwrap();
    t.apply(Edit::InsertRows { at: 2, count: 1 }).unwrap();
    t.set_cell(2, 0, "C").unwrap();
    let outcome = t.save().unwrap();
    assert!(!t.is_dirty());
    assert!(t.journal().is_empty());
    assert_eq!(
        std::fs::read_to_string(outcome.backup.unwrap()).unwrap(),
        original
    );

    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.starts_with("id,title,description\r\nA,Tee,\"soft\r\ncotton\"\r\n"));
    let back = Table::open(&path, &cancel, |_, _| {}).unwrap();
    assert_eq!(back.row_count(), 3);
    assert_eq!(back.cell(1, 2), "stoneware, \"dishwasher safe\"");
    assert_eq!(back.row_cells(2), ["C", "", ""]);
    assert_eq!(back.cell(0, 2), "soft\r\ncotton");
}

#[test]
fn save_as_writes_a_new_file_and_leaves_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, "id\nA\n").unwrap();
    let mut t = Table::open(&a, &AtomicBool::new(false), |_, _| {}).unwrap();
    t.set_cell(0, 0, "Z").unwrap();
    let outcome = t.save_as(&b).unwrap();
    assert_eq!(outcome.backup, None);
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "id\nA\n");
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "id\nZ\n");
    assert_eq!(t.path(), Some(b.as_path()));
}

#[test]
fn save_without_a_file_asks_for_save_as() {
    let mut t = table("id\nA\n");
    let err = t.save().unwrap_err();
    assert!(matches!(err, TableError::NoPath));
    assert!(err.to_string().contains("Save As"));
}

/// A scripted session: edits, undos, redos.
fn session(t: &mut Table) {
    t.set_cell(0, 1, "Tee, organic").unwrap();
    t.apply(Edit::InsertRows { at: 1, count: 2 }).unwrap();
    t.apply(Edit::SetCells {
        cells: vec![
            CellValue {
                row: 1,
                col: 0,
                value: "NEW-1".into(),
            },
            CellValue {
                row: 2,
                col: 0,
                value: "NEW-2".into(),
            },
        ],
    })
    .unwrap();
    t.apply(Edit::DeleteRows { rows: vec![3] }).unwrap();
    t.undo();
    t.apply(Edit::DuplicateRow { row: 0 }).unwrap();
    t.apply(Edit::InsertColumn {
        at: 2,
        name: "brand".into(),
    })
    .unwrap();
    t.set_cell(4, 2, "Northline").unwrap();
    t.undo();
    t.redo();
    t.apply(Edit::DeleteRows { rows: vec![2] }).unwrap();
}

const JOURNAL_SRC: &str = "id,title\r\nA,\"Tee\"\r\nB,Mug\r\nC,\"Cap\"";

#[test]
fn journal_replay_gives_the_same_bytes() {
    let mut t = table(JOURNAL_SRC);
    session(&mut t);
    let json = serde_json::to_string(t.journal()).unwrap();
    let edits: Vec<Edit> = serde_json::from_str(&json).unwrap();
    let mut replay = table(JOURNAL_SRC);
    for e in edits {
        replay.apply(e).unwrap();
    }
    assert_eq!(replay.to_bytes(), t.to_bytes());
    // Undoing everything journals nothing: the file is back as it was.
    while t.undo() {}
    assert!(t.journal().is_empty());
    assert_eq!(text(&t), JOURNAL_SRC);
}

#[test]
fn journal_after_a_save_replays_onto_the_saved_file_even_past_the_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.csv");
    std::fs::write(&path, JOURNAL_SRC).unwrap();
    let cancel = AtomicBool::new(false);
    let mut t = Table::open(&path, &cancel, |_, _| {}).unwrap();
    session(&mut t);
    t.save().unwrap();
    // Undo past the save point (a delete and a cell edit): journalled as forward edits.
    for _ in 0..2 {
        assert!(t.undo());
    }
    t.set_cell(0, 0, "A-renamed").unwrap();
    assert!(t.is_dirty());
    let mut replay = Table::open(&path, &cancel, |_, _| {}).unwrap();
    for e in t.journal().to_vec() {
        replay.apply(e).unwrap();
    }
    assert_eq!(replay.to_bytes(), t.to_bytes());
}

#[test]
fn a_journal_that_does_not_fit_is_refused() {
    let mut t = table("id\nA\n");
    let err = t
        .apply(Edit::SetCell {
            row: 7,
            col: 0,
            value: "x".into(),
        })
        .unwrap_err();
    assert!(err.to_string().contains("row 8 does not exist"), "{err}");
    assert_eq!(text(&t), "id\nA\n");
}

#[test]
fn open_reports_progress_and_cancel_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut body = String::from("id,title,price\n");
    while body.len() < 10 << 20 {
        body.push_str("SKU-000123,Organic Cotton Crew Tee,32.00 USD\n");
    }
    std::fs::write(&path, &body).unwrap();

    let mut last = (0, 0);
    let t = Table::open(&path, &AtomicBool::new(false), |d, total| {
        assert!(d >= last.0, "progress never goes back");
        last = (d, total);
    })
    .unwrap();
    assert_eq!(last, (body.len() as u64, body.len() as u64));
    assert_eq!(t.row_count(), body.lines().count() - 1);

    let cancel = AtomicBool::new(false);
    let calls = AtomicUsize::new(0);
    let r = Table::open(&path, &cancel, |_, _| {
        calls.fetch_add(1, Ordering::Relaxed);
        cancel.store(true, Ordering::Relaxed);
    });
    assert!(matches!(r, Err(TableError::Io(IoError::Cancelled))));
    assert_eq!(
        calls.load(Ordering::Relaxed),
        1,
        "stopped after the first chunk"
    );
}

#[test]
fn windows_1252_is_converted_and_said() {
    let t = Table::from_bytes(b"id,title\nA,Caf\xE9 cr\xE8me\n".to_vec());
    assert_eq!(t.converted_from(), Some(TextEncoding::Windows1252));
    assert_eq!(t.cell(0, 1), "Café crème");
    let notes = t.file_findings();
    assert!(notes.iter().any(|d| d.rule == "encoding_converted"
        && d.message.contains("Windows-1252")
        && d.message.contains("line 2")));
    assert_eq!(text(&t), "id,title\nA,Café crème\n");
}

// ----- incremental validation, with a rule of our own --------------------------------------

/// Test rule: `id` must not be empty (error); `price` must end with ` USD` (warning).
fn test_rule(_: &Schema, row: u64, fields: &[&str], out: &mut Vec<Diagnostic>) {
    let mut push = |column: &str, severity, rule| {
        out.push(Diagnostic {
            rule,
            severity,
            row: Some(row),
            column: Some(column.to_owned()),
            value: None,
            message: format!("{column} is wrong"),
            fix: None,
        });
    };
    if fields.first().is_none_or(|v| v.is_empty()) {
        push("id", Severity::Error, "test_required");
    }
    if fields.get(2).is_some_and(|v| !v.ends_with(" USD")) {
        push("price", Severity::Warning, "test_price");
    }
}

/// Findings counted on rows only (the header's own findings, from the real schema, left out).
fn row_counts(t: &Table) -> FindingCounts {
    let mut c = t.finding_counts();
    for d in t.file_findings() {
        match d.severity {
            Severity::Error => c.errors -= 1,
            Severity::Warning => c.warnings -= 1,
            Severity::Info => c.infos -= 1,
        }
    }
    c
}

fn checked_table() -> Table {
    let mut src = String::from("id,title,price\n");
    for i in 0..1000 {
        let _ = writeln!(src, "SKU-{i},Item {i},{i}.00 USD");
    }
    src.push_str(",No id,5 EUR\n");
    Table::from_bytes(src.into_bytes()).with_row_checker(test_rule)
}

#[test]
fn findings_land_on_their_cells() {
    let t = checked_table();
    let last = t.row_count() - 1;
    assert_eq!(t.cell_severity(last, 0), Some(Severity::Error));
    assert_eq!(t.cell_severity(last, 2), Some(Severity::Warning));
    assert_eq!(t.cell_severity(last, 1), None);
    assert_eq!(t.cell_severity(0, 0), None);
    assert_eq!(t.cell_findings(last, 2)[0].message, "price is wrong");
    assert_eq!(t.row_severity(last), Some(Severity::Error));
    let counts = row_counts(&t);
    assert_eq!((counts.errors, counts.warnings), (1, 1));
    let groups = t.issue_groups();
    let group = groups
        .iter()
        .find(|g| g.rule == "test_required")
        .expect("the test rule has a group");
    assert_eq!(group.findings[0].row, Some(last));
    assert_eq!(group.findings[0].col, Some(0));
}

#[test]
fn an_edit_rechecks_only_the_touched_row() {
    let mut t = checked_table();
    let last = t.row_count() - 1;
    let before = t.rows_checked();
    t.set_cell(last, 2, "5.00 USD").unwrap();
    assert_eq!(
        t.rows_checked(),
        before + 1,
        "one row re-checked, not the file"
    );
    assert_eq!(t.cell_severity(last, 2), None);
    assert_eq!(row_counts(&t).warnings, 0);
    t.set_cell(3, 2, "oops").unwrap();
    assert_eq!(t.cell_severity(3, 2), Some(Severity::Warning));
    assert_eq!(t.rows_checked(), before + 2);
    t.undo();
    t.undo();
    assert_eq!(t.cell_severity(3, 2), None);
    assert_eq!(t.cell_severity(last, 2), Some(Severity::Warning));
}

#[test]
fn row_operations_move_findings_with_their_rows() {
    let mut t = checked_table();
    let last = t.row_count() - 1;
    t.apply(Edit::InsertRows { at: 0, count: 1 }).unwrap();
    // The blank row has no id; the old bad row moved down by one.
    assert_eq!(t.cell_severity(0, 0), Some(Severity::Error));
    assert_eq!(t.cell_severity(last + 1, 0), Some(Severity::Error));
    assert_eq!(t.cell_severity(last, 0), None);
    t.apply(Edit::DeleteRows {
        rows: vec![0, last + 1],
    })
    .unwrap();
    assert_eq!(row_counts(&t), FindingCounts::default());
    t.undo();
    assert_eq!(row_counts(&t).errors, 2);
}

// ----- properties --------------------------------------------------------------------------

fn csv_records(s: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(s.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

proptest! {
    #[test]
    fn any_text_round_trips(s in "[a,\"\r\né ]{0,60}") {
        prop_assert_eq!(text(&table(&s)), s);
    }

    #[test]
    fn cells_match_the_csv_crate(s in "[ab,\"\r\né]{0,60}") {
        let t = table(&s);
        let records = csv_records(&s);
        prop_assert_eq!(t.row_count(), records.len().saturating_sub(1));
        if let Some(h) = records.first() {
            prop_assert_eq!(&t.header(), h);
        }
        for (r, rec) in records.iter().skip(1).enumerate() {
            for c in 0..t.column_count() {
                prop_assert_eq!(t.cell(r, c), rec.get(c).map_or("", String::as_str));
            }
        }
    }

    #[test]
    fn an_edit_survives_save_and_reload(
        s in "x,y\n[a,\"\r\né]{0,40}\n[a,\"\r\né]{0,40}",
        value in "[a,\"\r\né]{0,8}",
    ) {
        let mut t = table(&s);
        prop_assume!(t.row_count() > 0 && t.column_count() == 2);
        let before: Vec<Vec<String>> = (0..t.row_count())
            .map(|r| t.row_cells(r).into_iter().map(std::borrow::Cow::into_owned).collect())
            .collect();
        t.set_cell(0, 1, value.clone()).unwrap();
        let back = Table::from_bytes(t.to_bytes());
        prop_assert_eq!(back.row_count(), before.len());
        prop_assert_eq!(back.cell(0, 1), value.as_str());
        prop_assert_eq!(back.cell(0, 0), before[0][0].as_str());
        for (r, row) in before.iter().enumerate().skip(1) {
            prop_assert_eq!(&back.row_cells(r), row);
        }
    }
}
