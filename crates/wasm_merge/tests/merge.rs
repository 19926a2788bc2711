//! Merging chunks built here with wasm-encoder in the shape wasm-split-cli gives them (the same
//! type section, memory/table/stack-pointer imports in any order and subset, element segments
//! into the shared table, read-only data), then reading the result back with wasmparser.
use le_wasm_merge::{Chunk, has_writable_data, merge, writable_from};
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, ElementSection, Elements, EntityType, ExportKind,
    ExportSection, Function, FunctionSection, GlobalType, ImportSection, Instruction, MemArg,
    MemoryType, Module, NameMap, NameSection, TableType, TypeSection, ValType,
};
use wasmparser::{Operator, Parser, Payload};

const WRITABLE_FROM: u32 = 4096;

#[derive(Clone, Copy)]
enum Import {
    StackPointer,
    Table,
    Memory,
}

fn types() -> TypeSection {
    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]); // 0: () -> i32
    types.ty().function([ValType::I32], [ValType::I32]); // 1: (i32) -> i32
    types
}

/// A chunk: `imports` in this order, functions (type index, body), one element segment
/// (table offset, function indices), data segments (address, bytes).
fn chunk(
    types: &TypeSection,
    imports: &[Import],
    functions: &[(u32, Vec<Instruction<'static>>)],
    element: Option<(i32, Vec<u32>)>,
    data: &[(i32, &[u8])],
) -> Vec<u8> {
    let mut module = Module::new();
    module.section(types);
    let mut section = ImportSection::new();
    for import in imports {
        let (name, ty): (&str, EntityType) = match import {
            Import::StackPointer => (
                "__wasm_split_shared0",
                GlobalType {
                    val_type: ValType::I32,
                    mutable: true,
                    shared: false,
                }
                .into(),
            ),
            Import::Table => (
                "__indirect_function_table",
                TableType {
                    element_type: wasm_encoder::RefType::FUNCREF,
                    table64: false,
                    minimum: 64,
                    maximum: None,
                    shared: false,
                }
                .into(),
            ),
            Import::Memory => (
                "memory",
                MemoryType {
                    minimum: 1,
                    maximum: None,
                    memory64: false,
                    shared: false,
                    page_size_log2: None,
                }
                .into(),
            ),
        };
        section.import("__wasm_split", name, ty);
    }
    module.section(&section);
    let mut funcs = FunctionSection::new();
    for (ty, _) in functions {
        funcs.function(*ty);
    }
    module.section(&funcs);
    module.section(&ExportSection::new());
    if let Some((offset, indices)) = &element {
        let mut elements = ElementSection::new();
        let table = imports
            .iter()
            .filter(|i| matches!(i, Import::Table))
            .count();
        assert_eq!(table, 1, "an element segment needs the table import");
        elements.active(
            Some(0),
            &ConstExpr::i32_const(*offset),
            Elements::Functions(indices.into()),
        );
        module.section(&elements);
    }
    let mut code = CodeSection::new();
    for (_, body) in functions {
        let mut f = Function::new([]);
        for instruction in body {
            f.instruction(instruction);
        }
        f.instruction(&Instruction::End);
        code.function(&f);
    }
    module.section(&code);
    let mut segments = DataSection::new();
    for (address, bytes) in data {
        segments.active(0, &ConstExpr::i32_const(*address), bytes.iter().copied());
    }
    module.section(&segments);
    module.finish()
}

/// What a merged module holds, read back.
#[derive(Debug, Default)]
struct Read {
    imports: Vec<String>,
    function_types: Vec<u32>,
    /// Per function: the functions it calls directly and the globals it reads.
    calls: Vec<Vec<u32>>,
    indirect_types: Vec<Vec<u32>>,
    globals_read: Vec<Vec<u32>>,
    elements: Vec<(i32, Vec<u32>)>,
    data: Vec<(i32, Vec<u8>)>,
    exports: usize,
}

fn const_i32(expr: &wasmparser::ConstExpr<'_>) -> i32 {
    match expr.get_operators_reader().read() {
        Ok(Operator::I32Const { value }) => value,
        other => panic!("not an i32.const: {other:?}"),
    }
}

fn read(bytes: &[u8]) -> Read {
    wasmparser::Validator::new()
        .validate_all(bytes)
        .expect("the merged module validates");
    let mut out = Read::default();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.expect("parses") {
            Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    out.imports.push(import.expect("import").name.to_owned());
                }
            }
            Payload::FunctionSection(r) => {
                out.function_types = r.into_iter().map(|t| t.expect("type")).collect()
            }
            Payload::ExportSection(r) => out.exports = r.count() as usize,
            Payload::ElementSection(r) => {
                for element in r {
                    let element = element.expect("element");
                    let wasmparser::ElementKind::Active { offset_expr, .. } = element.kind else {
                        panic!("only active segments are built here");
                    };
                    let wasmparser::ElementItems::Functions(items) = element.items else {
                        panic!("function indices expected");
                    };
                    out.elements.push((
                        const_i32(&offset_expr),
                        items.into_iter().map(|f| f.expect("index")).collect(),
                    ));
                }
            }
            Payload::DataSection(r) => {
                for datum in r {
                    let datum = datum.expect("data");
                    let wasmparser::DataKind::Active { offset_expr, .. } = datum.kind else {
                        panic!("only active data is built here");
                    };
                    out.data
                        .push((const_i32(&offset_expr), datum.data.to_vec()));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let (mut calls, mut globals, mut indirect) = (Vec::new(), Vec::new(), Vec::new());
                for op in body.get_operators_reader().expect("operators") {
                    match op.expect("operator") {
                        Operator::Call { function_index } => calls.push(function_index),
                        Operator::GlobalGet { global_index } => globals.push(global_index),
                        Operator::CallIndirect { type_index, .. } => indirect.push(type_index),
                        _ => {}
                    }
                }
                out.calls.push(calls);
                out.indirect_types.push(indirect);
                out.globals_read.push(globals);
            }
            _ => {}
        }
    }
    out
}

fn two_chunks() -> (Vec<u8>, Vec<u8>) {
    let types = types();
    // A: all three imports; f0 returns the stack pointer, f1 calls f0; both in the table at 10.
    let a = chunk(
        &types,
        &[Import::StackPointer, Import::Table, Import::Memory],
        &[
            (0, vec![Instruction::GlobalGet(0)]),
            (1, vec![Instruction::Call(0)]),
        ],
        Some((10, vec![0, 1])),
        &[(100, b"read-only A")],
    );
    // B: memory before table, no stack pointer (as some split chunks have); g1 calls g0, loads
    // from memory and calls through the table.
    let b = chunk(
        &types,
        &[Import::Memory, Import::Table],
        &[
            (
                0,
                vec![
                    Instruction::I32Const(200),
                    Instruction::I32Load(MemArg {
                        offset: 0,
                        align: 2,
                        memory_index: 0,
                    }),
                ],
            ),
            (
                1,
                vec![
                    Instruction::Call(0),
                    Instruction::I32Const(10),
                    Instruction::CallIndirect {
                        type_index: 1,
                        table_index: 0,
                    },
                ],
            ),
        ],
        Some((20, vec![1, 0])),
        &[(200, b"read-only B")],
    );
    (a, b)
}

#[test]
fn functions_elements_and_data_are_appended_and_renumbered() {
    let (a, b) = two_chunks();
    let merged = merge(
        &[
            Chunk {
                name: "a",
                bytes: &a,
                only_here: false,
            },
            Chunk {
                name: "b",
                bytes: &b,
                only_here: false,
            },
        ],
        WRITABLE_FROM,
    )
    .expect("merges");
    let read = read(&merged);
    assert_eq!(
        read.imports,
        [
            "__wasm_split_shared0",
            "__indirect_function_table",
            "memory"
        ]
    );
    assert_eq!(read.function_types, [0, 1, 0, 1]);
    // A's call stays at 0; B's call to its own g0 now targets function 2.
    assert_eq!(read.calls, [vec![], vec![0], vec![], vec![2]]);
    assert_eq!(read.globals_read, [vec![0], vec![], vec![], vec![]]);
    assert_eq!(read.elements, [(10, vec![0, 1]), (20, vec![3, 2])]);
    assert_eq!(
        read.data,
        [
            (100, b"read-only A".to_vec()),
            (200, b"read-only B".to_vec())
        ]
    );
    assert_eq!(read.exports, 0);
}

#[test]
fn imports_are_the_union_whatever_the_order_and_subset() {
    let (a, b) = two_chunks();
    // B first: its memory and table come first, A's stack pointer is added after them, and A's
    // global.get 0 must still read the stack pointer.
    let merged = merge(
        &[
            Chunk {
                name: "b",
                bytes: &b,
                only_here: false,
            },
            Chunk {
                name: "a",
                bytes: &a,
                only_here: false,
            },
        ],
        WRITABLE_FROM,
    )
    .expect("merges");
    let read = read(&merged);
    assert_eq!(
        read.imports,
        [
            "memory",
            "__indirect_function_table",
            "__wasm_split_shared0"
        ]
    );
    assert_eq!(read.calls, [vec![], vec![0], vec![], vec![2]]);
    assert_eq!(read.globals_read, [vec![], vec![], vec![0], vec![]]);
    assert_eq!(read.elements, [(20, vec![1, 0]), (10, vec![2, 3])]);
}

#[test]
fn writable_data_is_refused_unless_the_chunk_goes_here_only() {
    let types = types();
    let with_state = chunk(
        &types,
        &[Import::Memory],
        &[(0, vec![Instruction::I32Const(1)])],
        None,
        &[(4100, b"counter")],
    );
    let err = merge(
        &[Chunk {
            name: "state",
            bytes: &with_state,
            only_here: false,
        }],
        WRITABLE_FROM,
    )
    .expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("state") && message.contains("writable"),
        "{message}"
    );
    assert!(has_writable_data(&with_state, WRITABLE_FROM).expect("reads"));
    let merged = merge(
        &[Chunk {
            name: "state",
            bytes: &with_state,
            only_here: true,
        }],
        WRITABLE_FROM,
    )
    .expect("a chunk of one module may carry state");
    assert_eq!(read(&merged).data, [(4100, b"counter".to_vec())]);
    // Data that ends right below the writable region, and empty segments in it, are read-only.
    let (a, _) = two_chunks();
    assert!(!has_writable_data(&a, WRITABLE_FROM).expect("reads"));
    let edge = chunk(
        &types,
        &[Import::Memory],
        &[],
        None,
        &[(4090, b"sixsix"), (4096, b"")],
    );
    assert!(!has_writable_data(&edge, WRITABLE_FROM).expect("reads"));
    let over = chunk(&types, &[Import::Memory], &[], None, &[(4090, b"seven77")]);
    assert!(has_writable_data(&over, WRITABLE_FROM).expect("reads"));
}

#[test]
fn type_sections_that_differ_are_unified() {
    let (a, _) = two_chunks();
    // C's types in the other order (as wasm-opt leaves each file's own): its (i32) -> i32 is 0.
    let mut reversed = TypeSection::new();
    reversed.ty().function([ValType::I32], [ValType::I32]);
    reversed.ty().function([], [ValType::I32]);
    reversed.ty().function([ValType::I64], []);
    let c = chunk(
        &reversed,
        &[Import::Table],
        &[
            (1, vec![Instruction::I32Const(7)]),
            (
                0,
                vec![
                    Instruction::Call(0),
                    Instruction::I32Const(3),
                    Instruction::CallIndirect {
                        type_index: 0,
                        table_index: 0,
                    },
                ],
            ),
        ],
        Some((30, vec![1])),
        &[],
    );
    let merged = merge(
        &[
            Chunk {
                name: "a",
                bytes: &a,
                only_here: false,
            },
            Chunk {
                name: "c",
                bytes: &c,
                only_here: false,
            },
        ],
        WRITABLE_FROM,
    )
    .expect("merges");
    let read = read(&merged);
    // A's two types come first; C's () -> i32 is A's 0, its (i32) -> i32 is A's 1.
    assert_eq!(read.function_types, [0, 1, 0, 1]);
    assert_eq!(read.calls, [vec![], vec![0], vec![], vec![2]]);
    assert_eq!(read.indirect_types, [vec![], vec![], vec![], vec![1]]);
    assert_eq!(read.elements, [(10, vec![0, 1]), (30, vec![3])]);
}

#[test]
fn chunks_of_another_shape_are_refused() {
    // A chunk that imports a function (the split's chunks reach code only through the table).
    let mut module = Module::new();
    module.section(&types());
    let mut imports = ImportSection::new();
    imports.import("__wasm_split", "helper", EntityType::Function(0));
    module.section(&imports);
    let importing = module.finish();
    let err = merge(
        &[Chunk {
            name: "importing",
            bytes: &importing,
            only_here: false,
        }],
        WRITABLE_FROM,
    )
    .expect_err("refused");
    assert!(
        err.to_string()
            .contains("importing: imports the function or tag __wasm_split.helper"),
        "{err}"
    );

    // A chunk with an export.
    let mut module = Module::new();
    module.section(&types());
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    module.section(&funcs);
    let mut exports = ExportSection::new();
    exports.export("f", ExportKind::Func, 0);
    module.section(&exports);
    let mut code = CodeSection::new();
    let mut f = Function::new([]);
    f.instruction(&Instruction::I32Const(0))
        .instruction(&Instruction::End);
    code.function(&f);
    module.section(&code);
    let exporting = module.finish();
    let err = merge(
        &[Chunk {
            name: "exporting",
            bytes: &exporting,
            only_here: false,
        }],
        WRITABLE_FROM,
    )
    .expect_err("refused");
    assert!(err.to_string().contains("exporting: has exports"), "{err}");

    assert!(merge(&[], WRITABLE_FROM).is_err());
    assert!(
        merge(
            &[Chunk {
                name: "junk",
                bytes: b"\0asm junk",
                only_here: false
            }],
            WRITABLE_FROM
        )
        .is_err()
    );
}

#[test]
fn the_writable_region_starts_at_the_main_modules_data_segment() {
    let mut module = Module::new();
    module.section(&MemoryOnly);
    let mut data = DataSection::new();
    data.active(0, &ConstExpr::i32_const(1024), b"strings".iter().copied());
    data.active(0, &ConstExpr::i32_const(8192), b"statics".iter().copied());
    data.active(0, &ConstExpr::i32_const(9000), b"zeroes".iter().copied());
    module.section(&data);
    let mut names = NameSection::new();
    let mut map = NameMap::new();
    map.append(0, ".rodata");
    map.append(1, ".data");
    map.append(2, ".bss");
    names.data(&map);
    module.section(&names);
    assert_eq!(writable_from(&module.finish()).expect("found"), 8192);

    // Without names the build cannot tell read-only from writable data: refused.
    let mut module = Module::new();
    module.section(&MemoryOnly);
    module.section(&data);
    let err = writable_from(&module.finish()).expect_err("refused");
    assert!(
        err.to_string().contains("names no data segment `.data`"),
        "{err}"
    );
}

/// A memory section of one page (the main module defines its memory).
struct MemoryOnly;

impl wasm_encoder::Section for MemoryOnly {
    fn id(&self) -> u8 {
        wasm_encoder::SectionId::Memory as u8
    }
}

impl wasm_encoder::Encode for MemoryOnly {
    fn encode(&self, sink: &mut Vec<u8>) {
        let mut memories = wasm_encoder::MemorySection::new();
        memories.memory(MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        memories.encode(sink);
    }
}
