exports.handler = async (event) => ({ from: 'nested/dir/app.js', event });
