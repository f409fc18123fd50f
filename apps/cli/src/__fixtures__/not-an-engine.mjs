/** A module that `--engine-module` must refuse: it exports no engine provider. */
export const greeting = 'hello';
