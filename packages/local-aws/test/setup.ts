// aws-local-stepfunctions 3 (the conformance tests' second opinion) calls Promise.withResolvers,
// which Node 22 has and Node 20 lacks.
if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      const settle: { resolve?: (value: T | PromiseLike<T>) => void; reject?: (reason?: unknown) => void } =
        {};
      const promise = new Promise<T>((resolve, reject) => Object.assign(settle, { resolve, reject }));
      return { promise, ...settle };
    },
  });
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
