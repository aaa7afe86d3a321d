import { Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ProjectFunction } from './project-function';

export const STAGE = 'v1';

/**
 * API Gateway's own rejections, in the same problem+json shape as the handlers' errors (docs/api.md).
 * Auth failures, unknown routes, throttling and oversized bodies never reach a handler.
 */
export const GATEWAY_PROBLEMS: Array<[apigw.ResponseType, string, string]> = [
  [apigw.ResponseType.UNAUTHORIZED, '401', 'unauthorized'],
  [apigw.ResponseType.ACCESS_DENIED, '403', 'access-denied'],
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, '403', 'missing-authentication'],
  [apigw.ResponseType.INVALID_SIGNATURE, '403', 'invalid-signature'],
  [apigw.ResponseType.EXPIRED_TOKEN, '403', 'expired-token'],
  [apigw.ResponseType.RESOURCE_NOT_FOUND, '404', 'not-found'],
  [apigw.ResponseType.REQUEST_TOO_LARGE, '413', 'body-too-large'],
  [apigw.ResponseType.THROTTLED, '429', 'throttled'],
  [apigw.ResponseType.QUOTA_EXCEEDED, '429', 'quota-exceeded'],
  [apigw.ResponseType.DEFAULT_4XX, '', 'gateway-rejected'],
  [apigw.ResponseType.DEFAULT_5XX, '', 'gateway-error'],
];

export interface CollectionsApiProps {
  logRetention: logs.RetentionDays;
}

/** The REST API of docs/api.md: IAM auth on every route, validation in the handlers, access logs, X-Ray. */
export class CollectionsApi extends Construct {
  readonly api: apigw.RestApi;

  constructor(scope: Construct, id: string, props: CollectionsApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      description: 'Overdue rental collections (docs/api.md v1).',
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      deployOptions: {
        stageName: STAGE,
        tracingEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        // Request and response bodies carry personal data: never logged.
        dataTraceEnabled: false,
        metricsEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: false,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
      },
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-APIG2',
        reason:
          'Validation is in the handlers (zod) so that every rejection is problem+json naming the wrong field, the same on AWS and locally; an API Gateway validator would answer in its own shape first.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG4',
        reason:
          'The callers are the rental platform and ops tooling, machine to machine: every route uses IAM (SigV4) authorisation instead of a Cognito user pool.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The role API Gateway itself needs to write execution logs; AWS publishes it only as this managed policy.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-APIG3',
        reason:
          'An IAM-authorised API for one platform; a WAF web ACL is a per-deployment choice (docs/deploy.md shows how to attach one).',
      },
    );
    for (const [type, status, slug] of GATEWAY_PROBLEMS) {
      this.api.addGatewayResponse(
        `Problem${slug.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`,
        {
          type,
          ...(status ? { statusCode: status } : {}),
          responseHeaders: { 'Content-Type': "'application/problem+json'" },
          templates: {
            'application/json': `{"type":"/problems/${slug}","title":$context.error.messageString,${
              status ? `"status":${status},` : ''
            }"detail":$context.error.messageString}`,
          },
        },
      );
    }
  }

  /**
   * The API's public base URL built from its id, not from its stage: functions the routes depend on
   * (through the state machine) can carry it without a deployment cycle.
   */
  get baseUrl(): string {
    const stack = Stack.of(this);
    return Fn.join('', [
      'https://',
      this.api.restApiId,
      '.execute-api.',
      stack.region,
      '.',
      stack.urlSuffix,
      `/${STAGE}/`,
    ]);
  }

  /**
   * A route without auth: only for the signed opt-out link in customers' messages (`GET` shows the
   * confirmation page, `POST` opts out), where the sealed token is the authority and the pages
   * reveal nothing.
   */
  publicRoute(method: 'GET' | 'POST', path: string, handler: ProjectFunction): void {
    const resource = this.api.root.resourceForPath(path);
    const created = resource.addMethod(method, new apigw.LambdaIntegration(handler.fn), {
      authorizationType: apigw.AuthorizationType.NONE,
    });
    Validations.of(created).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'The opt-out link customers open from an SMS or email (its page and its form or one-click POST): the sealed token is its authorisation (AES-GCM, unforgeable).',
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG4',
        reason:
          'Customers are not users of this API; the sealed token in the link is the only credential the route needs.',
      },
    );
  }

  /** Adds `method path` (e.g. `POST /cases/{caseId}/payments`) as a Lambda proxy route. */
  route(method: 'GET' | 'POST', path: string, handler: ProjectFunction): void {
    const resource = this.api.root.resourceForPath(path);
    resource.addMethod(method, new apigw.LambdaIntegration(handler.fn), {
      authorizationType: apigw.AuthorizationType.IAM,
    });
  }
}
