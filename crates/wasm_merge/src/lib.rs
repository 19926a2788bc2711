//! Merges wasm chunks cut by `wasm-split-cli` into one module.
//!
//! The split gives every set of lazily loaded areas that shares code a chunk of its own (about
//! 300 for the SPA): opening one area fetched over a hundred small files. Every chunk imports
//! some of the same three things from the main module (memory, function table, stack pointer),
//! uses plain function types, defines no tables, memories or globals, and reaches other code
//! only through the shared function table: active element segments put its functions into their
//! table slots, active data segments put its read-only data at fixed addresses. So chunks merge
//! by concatenation: functions, element and data segments are appended, the function, element
//! and data indices inside instructions and segments are shifted by what came before, and types
//! and imports are the union of the chunks' (renumbered where a chunk's differ).
//!
//! A chunk may end up in several merged modules (code shared by two areas goes into both). Loading
//! both writes the same functions into the same table slots and the same read-only bytes to the
//! same addresses, which changes nothing; [`merge`] refuses chunks whose data would land at or
//! above `writable_from` (the main module's mutable data), where a second write could reset state.
use std::fmt;

use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{
    CodeSection, DataCountSection, DataSection, ElementSection, FunctionSection, Module,
};
use wasmparser::{DataKind, Operator, Parser, Payload};

/// Why chunks could not be merged.
#[derive(Debug)]
pub enum MergeError {
    /// A chunk is not a module this tool understands (with the chunk's name).
    Unsupported(String, String),
    /// The bytes are not valid WebAssembly.
    Parse(String, wasmparser::BinaryReaderError),
    /// The merged module does not validate.
    Invalid(wasmparser::BinaryReaderError),
    /// Renumbering failed.
    Reencode(String),
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::Unsupported(name, why) => write!(f, "{name}: {why}"),
            MergeError::Parse(name, e) => write!(f, "{name}: not valid WebAssembly: {e}"),
            MergeError::Invalid(e) => write!(f, "the merged module does not validate: {e}"),
            MergeError::Reencode(e) => write!(f, "renumbering failed: {e}"),
        }
    }
}

impl std::error::Error for MergeError {}

/// One input: a name for messages and the module's bytes.
pub struct Chunk<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    /// Whether this chunk goes into this merged module only (then it may carry writable data:
    /// it is instantiated once). A chunk that goes into several must carry read-only data only.
    pub only_here: bool,
}

/// Shifts the indices of one chunk by what the chunks before it brought in, and maps its imported
/// globals, tables and memories onto the merged module's imports.
struct Shift {
    types: Vec<u32>,
    functions: u32,
    elements: u32,
    data: u32,
    globals: Vec<u32>,
    tables: Vec<u32>,
    memories: Vec<u32>,
}

/// A global, table or memory index of the chunk in the merged module's numbering.
fn mapped(map: &[u32], index: u32) -> Result<u32, reencode::Error<String>> {
    map.get(index as usize).copied().ok_or_else(|| {
        reencode::Error::UserError(format!("index {index} names nothing the chunk imports"))
    })
}

impl Reencode for Shift {
    type Error = String;

    fn type_index(&mut self, ty: u32) -> Result<u32, reencode::Error<Self::Error>> {
        mapped(&self.types, ty)
    }

    fn global_index(&mut self, global: u32) -> Result<u32, reencode::Error<Self::Error>> {
        mapped(&self.globals, global)
    }

    fn table_index(&mut self, table: u32) -> Result<u32, reencode::Error<Self::Error>> {
        mapped(&self.tables, table)
    }

    fn memory_index(&mut self, memory: u32) -> Result<u32, reencode::Error<Self::Error>> {
        mapped(&self.memories, memory)
    }

    fn function_index(&mut self, func: u32) -> Result<u32, reencode::Error<Self::Error>> {
        Ok(func + self.functions)
    }

    fn element_index(&mut self, element: u32) -> Result<u32, reencode::Error<Self::Error>> {
        Ok(element + self.elements)
    }

    fn data_index(&mut self, data: u32) -> Result<u32, reencode::Error<Self::Error>> {
        Ok(data + self.data)
    }
}

/// The merged module's function types: the union of the chunks' (the split's chunks all carry the
/// whole program's type section, but wasm-opt prunes and reorders each file's own).
#[derive(Default)]
struct Types {
    all: Vec<wasmparser::FuncType>,
}

impl Types {
    fn index_of(&mut self, ty: wasmparser::FuncType) -> u32 {
        let index = match self.all.iter().position(|known| *known == ty) {
            Some(index) => index,
            None => {
                self.all.push(ty);
                self.all.len() - 1
            }
        };
        index as u32
    }

    /// The chunk's type section as indices into the union (plain function types only).
    fn map(
        &mut self,
        r: wasmparser::TypeSectionReader<'_>,
        name: &str,
    ) -> Result<Vec<u32>, MergeError> {
        let mut map = Vec::new();
        for group in r {
            let group = group.map_err(|e| MergeError::Parse(name.to_owned(), e))?;
            let mut types = group.into_types();
            let plain = match (types.next(), types.next()) {
                (Some(sub), None) if sub.is_final && sub.supertype_idx.is_none() => {
                    match sub.composite_type {
                        wasmparser::CompositeType {
                            inner: wasmparser::CompositeInnerType::Func(f),
                            shared: false,
                            ..
                        } => Some(f),
                        _ => None,
                    }
                }
                _ => None,
            };
            let ty = plain.ok_or_else(|| {
                MergeError::Unsupported(
                    name.to_owned(),
                    "has a type that is not a plain function type".into(),
                )
            })?;
            map.push(self.index_of(ty));
        }
        Ok(map)
    }
}

/// The merged module's imports: the union of the chunks' (same module, name and type).
#[derive(Default)]
struct Imports<'a> {
    all: Vec<wasmparser::Import<'a>>,
    globals: u32,
    tables: u32,
    memories: u32,
}

impl<'a> Imports<'a> {
    /// The merged index of `import` among the imports of its kind (added if new).
    fn index_of(&mut self, import: wasmparser::Import<'a>, name: &str) -> Result<u32, MergeError> {
        let kind = |ty: &wasmparser::TypeRef| std::mem::discriminant(ty);
        let mut index = 0;
        for known in &self.all {
            if kind(&known.ty) != kind(&import.ty) {
                continue;
            }
            if known.module == import.module && known.name == import.name {
                if known.ty != import.ty {
                    return Err(MergeError::Unsupported(
                        name.to_owned(),
                        format!(
                            "imports {}.{} with another type",
                            import.module, import.name
                        ),
                    ));
                }
                return Ok(index);
            }
            index += 1;
        }
        let counter = match import.ty {
            wasmparser::TypeRef::Global(_) => &mut self.globals,
            wasmparser::TypeRef::Table(_) => &mut self.tables,
            wasmparser::TypeRef::Memory(_) => &mut self.memories,
            _ => {
                return Err(MergeError::Unsupported(
                    name.to_owned(),
                    format!(
                        "imports the function or tag {}.{}",
                        import.module, import.name
                    ),
                ));
            }
        };
        *counter += 1;
        self.all.push(import);
        Ok(index)
    }
}

fn same<'a>(
    slot: &mut Option<&'a [u8]>,
    bytes: &'a [u8],
    what: &str,
    name: &str,
) -> Result<(), MergeError> {
    match slot {
        None => {
            *slot = Some(bytes);
            Ok(())
        }
        Some(first) if *first == bytes => Ok(()),
        Some(_) => Err(MergeError::Unsupported(
            name.to_owned(),
            format!("its {what} section differs from the first chunk's"),
        )),
    }
}

/// Merges `chunks` (at least one) into one module. `writable_from`: the lowest address of the
/// main module's mutable data; a chunk with data at or above it is refused.
pub fn merge(chunks: &[Chunk<'_>], writable_from: u32) -> Result<Vec<u8>, MergeError> {
    if chunks.is_empty() {
        return Err(MergeError::Unsupported(
            "(none)".into(),
            "nothing to merge".into(),
        ));
    }
    // The features section every chunk must carry verbatim.
    let mut target_features: Option<&[u8]> = None;
    let mut types = Types::default();
    let mut imports = Imports::default();
    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut elements = ElementSection::new();
    let mut data = DataSection::new();
    let mut shift = Shift {
        types: Vec::new(),
        functions: 0,
        elements: 0,
        data: 0,
        globals: Vec::new(),
        tables: Vec::new(),
        memories: Vec::new(),
    };

    for chunk in chunks {
        let name = chunk.name;
        let parse = |e| MergeError::Parse(name.to_owned(), e);
        let reenc = |e: reencode::Error<String>| MergeError::Reencode(format!("{name}: {e}"));
        let (mut own_functions, mut own_elements, mut own_data) = (0u32, 0u32, 0u32);
        shift.types.clear();
        shift.globals.clear();
        shift.tables.clear();
        shift.memories.clear();
        for payload in Parser::new(0).parse_all(chunk.bytes) {
            match payload.map_err(parse)? {
                Payload::Version { .. } | Payload::End(_) | Payload::DataCountSection { .. } => {}
                Payload::TypeSection(r) => shift.types = types.map(r, name)?,
                Payload::ImportSection(r) => {
                    for import in r.into_imports() {
                        let import = import.map_err(parse)?;
                        let map = match import.ty {
                            wasmparser::TypeRef::Global(_) => &mut shift.globals,
                            wasmparser::TypeRef::Table(_) => &mut shift.tables,
                            wasmparser::TypeRef::Memory(_) => &mut shift.memories,
                            _ => &mut Vec::new(),
                        };
                        map.push(imports.index_of(import, name)?);
                    }
                }
                Payload::FunctionSection(r) => {
                    own_functions = r.count();
                    shift
                        .parse_function_section(&mut functions, r)
                        .map_err(reenc)?;
                }
                Payload::ExportSection(r) => {
                    if r.count() != 0 {
                        return Err(MergeError::Unsupported(
                            name.to_owned(),
                            "has exports".into(),
                        ));
                    }
                }
                Payload::ElementSection(r) => {
                    own_elements = r.count();
                    shift
                        .parse_element_section(&mut elements, r)
                        .map_err(reenc)?;
                }
                Payload::DataSection(r) => {
                    own_data = r.count();
                    if !chunk.only_here {
                        for datum in r.clone() {
                            let datum = datum.map_err(parse)?;
                            if let Some(why) = writable(&datum, writable_from) {
                                return Err(MergeError::Unsupported(
                                    name.to_owned(),
                                    format!("{why}, and it goes into more than one module"),
                                ));
                            }
                        }
                    }
                    shift.parse_data_section(&mut data, r).map_err(reenc)?;
                }
                Payload::CodeSectionStart { .. } => {}
                Payload::CodeSectionEntry(body) => {
                    shift.parse_function_body(&mut code, body).map_err(reenc)?;
                }
                Payload::CustomSection(c) => {
                    if c.name() == "target_features" {
                        same(&mut target_features, c.data(), "target_features", name)?;
                    }
                    // Names and producers are dropped (wasm-opt -Oz drops them anyway).
                }
                other => {
                    return Err(MergeError::Unsupported(
                        name.to_owned(),
                        format!("has a section this tool does not merge ({other:?})"),
                    ));
                }
            }
        }
        shift.functions += own_functions;
        shift.elements += own_elements;
        shift.data += own_data;
    }

    let mut module = Module::new();
    let mut type_section = wasm_encoder::TypeSection::new();
    for ty in &types.all {
        let mut convert = |v: &wasmparser::ValType| reencode::RoundtripReencoder.val_type(*v);
        let params = ty
            .params()
            .iter()
            .map(&mut convert)
            .collect::<Result<Vec<_>, _>>();
        let results = ty
            .results()
            .iter()
            .map(&mut convert)
            .collect::<Result<Vec<_>, _>>();
        match (params, results) {
            (Ok(params), Ok(results)) => {
                type_section.ty().function(params, results);
            }
            (Err(e), _) | (_, Err(e)) => return Err(MergeError::Reencode(format!("a type: {e}"))),
        }
    }
    module.section(&type_section);
    let mut import_section = wasm_encoder::ImportSection::new();
    for import in &imports.all {
        let ty = reencode::RoundtripReencoder
            .entity_type(import.ty)
            .map_err(|e| MergeError::Reencode(format!("import {}: {e}", import.name)))?;
        import_section.import(import.module, import.name, ty);
    }
    module.section(&import_section);
    module.section(&functions);
    module.section(&elements);
    module.section(&DataCountSection { count: shift.data });
    module.section(&code);
    module.section(&data);
    if let Some(features) = target_features {
        module.section(&wasm_encoder::CustomSection {
            name: "target_features".into(),
            data: features.into(),
        });
    }
    let bytes = module.finish();
    wasmparser::Validator::new()
        .validate_all(&bytes)
        .map_err(MergeError::Invalid)?;
    Ok(bytes)
}

/// Why `datum` may be writable data (not active at a constant address below `writable_from`).
fn writable(datum: &wasmparser::Data<'_>, writable_from: u32) -> Option<String> {
    match &datum.kind {
        DataKind::Passive => Some("it has a passive data segment".into()),
        DataKind::Active { offset_expr, .. } => {
            let start = match offset_expr.get_operators_reader().read() {
                Ok(Operator::I32Const { value }) => value as u32,
                _ => return Some("it has a data segment at a computed address".into()),
            };
            let len = u32::try_from(datum.data.len()).unwrap_or(u32::MAX);
            (len > 0 && start.saturating_add(len) > writable_from).then(|| {
                format!("it has {len} bytes of data at {start}, in the writable data (from {writable_from})")
            })
        }
    }
}

/// Whether a chunk carries writable data (see [`writable_from`]).
pub fn has_writable_data(bytes: &[u8], writable_from: u32) -> Result<bool, MergeError> {
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::DataSection(r) =
            payload.map_err(|e| MergeError::Parse("chunk".into(), e))?
        {
            for datum in r {
                let datum = datum.map_err(|e| MergeError::Parse("chunk".into(), e))?;
                if writable(&datum, writable_from).is_some() {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// The lowest address of the main module's mutable data: where its data segment named `.data`
/// starts (the linker's name section, which wasm-split-cli keeps). Everything below is read-only.
pub fn writable_from(main: &[u8]) -> Result<u32, MergeError> {
    let parse = |e| MergeError::Parse("main module".into(), e);
    let mut offsets = Vec::new();
    let mut data_names = Vec::new();
    for payload in Parser::new(0).parse_all(main) {
        match payload.map_err(parse)? {
            Payload::DataSection(r) => {
                for datum in r {
                    offsets.push(match datum.map_err(parse)?.kind {
                        DataKind::Active { offset_expr, .. } => {
                            match offset_expr.get_operators_reader().read() {
                                Ok(Operator::I32Const { value }) => Some(value as u32),
                                _ => None,
                            }
                        }
                        DataKind::Passive => None,
                    });
                }
            }
            Payload::CustomSection(c) => {
                if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                    for subsection in names {
                        if let wasmparser::Name::Data(map) = subsection.map_err(parse)? {
                            for naming in map {
                                let naming = naming.map_err(parse)?;
                                data_names.push((naming.index, naming.name.to_owned()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    data_names
        .iter()
        .filter(|(_, name)| name == ".data")
        .filter_map(|(index, _)| offsets.get(*index as usize).copied().flatten())
        .min()
        .ok_or_else(|| {
            MergeError::Unsupported(
                "main module".into(),
                "names no data segment `.data` (was the name section stripped?)".into(),
            )
        })
}
