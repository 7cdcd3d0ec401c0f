const t0 = performance.now(); await import("effect/Effect"); await import("effect/Schema"); await import("effect/Layer"); console.log("subpaths", Math.round(performance.now() - t0))
