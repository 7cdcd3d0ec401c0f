const t0 = performance.now(); await import("effect"); console.log("barrel", Math.round(performance.now() - t0))
