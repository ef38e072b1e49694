// Calls the build route of a running Orquestra server through the client @hey-api/openapi-ts
// generated from the program's OpenAPI document (`program/`), reading the result through its
// generated types: if the document lies about the response, `tsc --strict` fails here.
// Input: one JSON argument {baseUrl, source, destination, authority, recentBlockhash}.
// Output: one JSON line {status, accountKeys, transaction}.
import { client } from './program/client.gen';
import { buildTransfer } from './program/sdk.gen';

// No @types/node: the two things used from Node, declared.
declare const process: { argv: string[]; exitCode?: number };

type Input = {
  baseUrl: string;
  source: string;
  destination: string;
  authority: string;
  recentBlockhash: string;
};

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  client.setConfig({ baseUrl: input.baseUrl });
  const { data, error, response } = await buildTransfer({
    body: {
      args: { amount: '1000' },
      accounts: {
        source: input.source,
        destination: input.destination,
        authority: input.authority,
      },
      feePayer: input.authority,
      recentBlockhash: input.recentBlockhash,
    },
  });
  if (data === undefined) {
    console.log(JSON.stringify({ status: response?.status, error }));
    process.exitCode = 1;
    return;
  }
  const accountKeys = data.message.accountKeys;
  const transaction: string = data.transaction;
  console.log(JSON.stringify({ status: response?.status, accountKeys, transaction }));
}

main().catch((e: unknown) => {
  console.log(JSON.stringify({ thrown: String(e) }));
  process.exitCode = 1;
});
