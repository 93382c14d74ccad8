// Node's default reader of sources and source maps: the file, read from disk as bytes (checked
// for UTF-8 in Rust) straight into the module's memory, where `stageSourceBytes` sets room aside;
// the reader answers with the length. No `Buffer` of the file's size passes through malloc: once a
// large read (a function's bundle, loaded by Node) has raised glibc's mmap threshold, glibc keeps
// such buffers in its heap after use (1.6-1.8 MB for a 2 MB bundle and its map, docs/layer.md).
// Used when a caller passes no `sources` or `sourceMaps`.
function diskReader(wasm) {
  return function readSourceFromDisk(url) {
    const fs = require('node:fs');
    const { fileURLToPath } = require('node:url');
    let fd;
    try {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      fd = fs.openSync(file, 'r');
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) return fs.readFileSync(fd);
      const size = stat.size;
      const start = wasm.stageSourceBytes(size);
      // The view is made after the staging, which may have grown the memory (a new buffer).
      const view = new Uint8Array(wasm.moduleMemory().buffer, start, size);
      let read = 0;
      while (read < size) {
        const got = fs.readSync(fd, view, read, size - read, read);
        if (got === 0) break;
        read += got;
      }
      // A file cut short while it was read: the bytes read, as a copy.
      return read === size ? size : view.slice(0, read);
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  };
}
