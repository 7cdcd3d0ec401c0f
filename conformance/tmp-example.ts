import * as Property from "./src/Property.ts"
import { runStoreProperties } from "./src/StoreSuite.ts"
import * as S from "./test/mutants/storeMutants.ts"
const t = S.forgetsTombstone.target
if (t.kind !== "store") throw 0
const [r] = await runStoreProperties({ name: "my-store", factory: t.factory, seed: 7, property: "records" })
console.log(Property.formatFailure("my-store", r!))
