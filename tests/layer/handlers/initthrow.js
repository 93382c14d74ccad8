throw new TypeError('thrown while the module loads');
