// Test agent: cannot be imported (like an agent whose wasm package is missing).
throw new Error('the agent failed at import');
