import type { CapabilityTable } from "../../lib/index.js";

export const LAMBDA_CAPABILITIES: CapabilityTable = {
  // Scaling knobs are measured from the engine model (lib/engines/lambda/model.ts), not written here.
  image: ["approximate", "ECR images as is (with the adapter: ZS-LAMBDA-ADAPTER); others copied into `registry` with the Lambda Web Adapter (ZS-LAMBDA-IMAGE)"],
  "build / code": ["honoured", "pushed to the ECR `registry`, deployed by digest; code functions get the Lambda Web Adapter extension"],
  "env, secrets": ["approximate", "secrets read from Secrets Manager at deploy into the encrypted environment (ZS-LAMBDA-SECRET-ENV); 4 KB"],
  "memory, cpu": ["approximate", "memorySize 128..10240 MB; CPU follows memory (ZS-LAMBDA-CPU)"],
  timeout: ["approximate", "function timeout; HTTP API requests end at 30 s (ZS-LAMBDA-HTTP-TIMEOUT)"],
  concurrency: ["approximate", "one request per environment (ZS-LAMBDA-CONCURRENCY)"],
  "security relaxations": ["unsupported", "ZS-LAMBDA-SECURITY"],
  "trigger: http": ["honoured", "API Gateway HTTP API routes (or a Function URL) on the live alias; private (AWS_IAM, SigV4-signed: ZS-LAMBDA-HTTP-IAM) unless allowUnauthenticated"],
  "trigger: schedule": ["approximate", "EventBridge Scheduler on the live alias, cron(...) with `?`, time zone; invoked asynchronously: at most 2 retries, 1 and 2 min apart (ZS-LAMBDA-DELIVERY)"],
  "trigger: queue": ["approximate", "event source mappings on the live alias; Lambda's event format via the adapter's pass-through path; AWS's retries, no dead letter (ZS-LAMBDA-DELIVERY)"],
  "trigger: schedule with seconds": ["unsupported", "ZS-LAMBDA-CRON"],
  "queue: redis": ["unsupported", "ZS-LAMBDA-QUEUE-REDIS"],
  "queue: rabbitmq": ["approximate", "Amazon MQ brokers only (ZS-LAMBDA-QUEUE-RABBITMQ)"],
  "queue: kafka": ["honoured", "MSK (kafkaClusters) or self-managed Kafka event source mapping"],
  "queue: nats": ["unsupported", "ZS-LAMBDA-QUEUE-NATS"],
  "queue connection from a secret": ["unsupported", "ZS-LAMBDA-QUEUE-SECRET"],
};
