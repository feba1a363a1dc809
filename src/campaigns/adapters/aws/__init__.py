"""Event sinks on AWS: Kinesis and SQS through aioboto3, sharing one batch delivery."""
