/**
 * The `Runtime.*` errors the runtime client throws while loading a handler, built the way each client
 * generation builds them, so that an init error through the layer has the same type, message and fields.
 * 3.x: the name lives on the prototype; the message is the constructor argument turned into a string.
 * 4.x: the name is an own property; `UserCodeSyntaxError` keeps the stack of the original `SyntaxError`.
 */
/** @returns {new (messageOrError: any) => Error} the class, taking a message or an error (turned into a string) */
function v3(name) {
  const cls = { [name]: class extends Error {} }[name];
  cls.prototype.name = `Runtime.${name}`;
  return cls;
}

/** @returns {new (messageOrError: any) => Error} */
function v4(name, runtimeName, keepStack = false) {
  return {
    [name]: class extends Error {
      constructor(messageOrError) {
        super(typeof messageOrError === 'string' ? messageOrError : String(messageOrError));
        this.name = runtimeName;
        if (keepStack) this.stack = messageOrError.stack;
      }
    },
  }[name];
}

/** Error classes of aws-lambda-ric 3.x. */
export const errors3 = {
  ImportModuleError: v3('ImportModuleError'),
  HandlerNotFound: v3('HandlerNotFound'),
  MalformedHandlerName: v3('MalformedHandlerName'),
  UserCodeSyntaxError: v3('UserCodeSyntaxError'),
};

/** Error classes of aws-lambda-ric 4.x. */
export const errors4 = {
  ImportModuleError: v4('ImportModuleError', 'Runtime.ImportModuleError'),
  HandlerNotFound: v4('HandlerNotFoundError', 'Runtime.HandlerNotFound'),
  MalformedHandlerName: v4('MalformedHandlerNameError', 'Runtime.MalformedHandlerName'),
  UserCodeSyntaxError: v4('UserCodeSyntaxError', 'Runtime.UserCodeSyntaxError', true),
};
