"""The gRPC service around the cleaner library (proto package ``boilerplate.v1``), installed as ``cleaner_server``."""
