exports.handler = async (event) => ({ from: 'cjs.cjs', event });
