// Credential providers: static keys, Cognito Identity pools, STS (web identity, AssumeRole) and a refreshing cache.
export {
  assumeRole,
  fromCognitoIdentityPool,
  fromStatic,
  fromWebIdentity,
  refreshing,
  type AssumeRoleOptions,
  type CognitoIdentityPoolOptions,
  type CredentialProvider,
  type ProviderOptions,
  type RefreshingOptions,
  type TemporaryCredentials,
  type WebIdentityOptions,
} from './client/credentials.js'
