import { crc32c } from "../src/internal/crc32c.ts"
const s = Buffer.from("123456789")
console.log(crc32c(s).toString(16), "expect e3069283")
const a = Buffer.from("hello "), b = Buffer.from("world, this is long enough for slicing")
console.log(crc32c(b, crc32c(a)) === crc32c(Buffer.concat([a, b])))
console.log(crc32c(Buffer.alloc(32)).toString(16), "expect 8a9136aa")
const big = Buffer.alloc(64 * 1024 * 1024, 7)
let t = performance.now(); crc32c(big); console.log("MB/s", 64 / ((performance.now() - t) / 1000))
