"""The gRPC service around the cleaner library: package ``boilerplate.v1``."""
