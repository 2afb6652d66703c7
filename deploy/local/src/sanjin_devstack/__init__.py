"""The local stack without Docker: Kafka in KRaft mode from Maven Central's jars, SecantusDB as
the MongoDB server, and the five services, all as background processes of one run directory."""
