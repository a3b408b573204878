// moto for the Node tests: the same module `npm run demo` uses (scripts/local-servers.mjs), with its types.
// See there for how moto counts the unauthenticated actions of INITIAL_NO_AUTH_ACTION_COUNT.
//
//   const moto = await startMoto({ noAuthActions: BOOTSTRAP_IAM_ACTIONS })
//   afterAll(() => moto.stop())
//   const { accessKeyId, secretAccessKey, roleArn } = await bootstrapIam(moto.endpoint, { userName: 'alice', roleName: 'writer' })
export {
  BOOTSTRAP_IAM_ACTIONS,
  bootstrapIam,
  freePort,
  killGroup,
  MOTO_ACCOUNT_ID,
  once,
  startMoto,
  unauthenticatedAction,
  xmlValue,
} from '../../scripts/local-servers.mjs'
export type {
  BootstrapIamOptions,
  IamBootstrap,
  Listening,
  MotoOptions,
  MotoServer,
} from '../../scripts/local-servers.mjs'
