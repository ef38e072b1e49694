#!/usr/bin/env python3
"""Fills fuzz/corpus/ with starting inputs from the repository's test data.

parse_idl: the corpus IDLs (those under 200 kB, so each run stays fast).
decode:    golden-vector instruction/account bytes, prefixed with the IDL index (byte 0, the order
           of IDLS in fuzz_targets/decode.rs) and an account index (byte 1).
"""
import hashlib
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent
TESTDATA = ROOT.parent / "testdata"
# Same order as IDLS in fuzz_targets/decode.rs.
DECODE_IDLS = ["spl_token", "program_metadata", "codama_collection_types",
               "mpl_token_metadata_codama", "anchor_idl_new", "anchor_generics", "raydium_clmm",
               "anchor_idl_old", "phoenix_v1", "token_metadata"]


def write(folder: pathlib.Path, data: bytes) -> None:
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> None:
    parse = ROOT / "corpus" / "parse_idl"
    parse.mkdir(parents=True, exist_ok=True)
    for idl in TESTDATA.glob("idls/*/*.json"):
        if idl.stat().st_size < 200_000:
            shutil.copy(idl, parse / idl.name)

    decode = ROOT / "corpus" / "decode"
    decode.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(DECODE_IDLS):
        for kind, accounts in (("instructions", [0]), ("accounts", range(4))):
            path = TESTDATA / "vectors" / kind / f"{name}.jsonl"
            if not path.exists():
                continue
            for line in path.read_text().splitlines()[:40]:
                data = bytes.fromhex(json.loads(line)["hex"])
                for account in accounts:
                    write(decode, bytes([index, account]) + data)


if __name__ == "__main__":
    main()
