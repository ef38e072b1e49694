//! Reading a failed simulation with IDLs: the custom error code of the failing instruction,
//! named and explained by its program's IDL.

use orquestra_api::transaction::DecodedProgramError;
use orquestra_idl::Program;
use serde_json::Value;

/// `{"InstructionError":[index, {"Custom": n}]}` → `(index, n)`; `None` for any other error.
pub fn custom_error(err: &Value) -> Option<(usize, u32)> {
    let pair = err.get("InstructionError")?.as_array()?;
    let index = usize::try_from(pair.first()?.as_u64()?).ok()?;
    let code = u32::try_from(pair.get(1)?.get("Custom")?.as_u64()?).ok()?;
    Some((index, code))
}

/// The IDL error of `program` with custom code `code`, raised by instruction `index`.
pub fn program_error(program: &Program, index: usize, code: u32) -> Option<DecodedProgramError> {
    let error = program.errors.iter().find(|e| e.code == code)?;
    Some(DecodedProgramError {
        code: error.code,
        name: error.name.clone(),
        msg: error.message.clone(),
        instruction_index: index,
        program: program.name.clone(),
    })
}

/// The custom program error of a simulation's `err`, decoded with the IDL `program_for`
/// gives for the failing instruction's index.
pub fn decode_simulation_error<P: std::ops::Deref<Target = Program>>(
    err: Option<&Value>,
    program_for: impl Fn(usize) -> Option<P>,
) -> Option<DecodedProgramError> {
    let (index, code) = custom_error(err?)?;
    let program = program_for(index)?;
    program_error(&program, index, code)
}
