// Makes the single MongoDB node a replica set (transactions need one) and waits until it is
// primary. Idempotent; any other error, or no primary within two minutes, fails the run with a
// non-zero exit. Used by the dev overlay's Job and by compose's mongo-init (which mounts it);
// REPLICA_SET_MEMBER is the node's address as the services reach it (host:port).
const member = process.env.REPLICA_SET_MEMBER;
if (!member) {
  print('REPLICA_SET_MEMBER is not set');
  quit(2);
}
try {
  rs.status();
} catch (e) {
  if (e.codeName !== 'NotYetInitialized') {
    throw e;
  }
  print(`initiating replica set rs0 with ${member}`);
  rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: member }] });
}
for (let i = 0; i < 120; i++) {
  if (db.hello().isWritablePrimary) {
    print(`replica set rs0 has a primary: ${member}`);
    quit(0);
  }
  sleep(1000);
}
print('replica set rs0 has no primary after 120 s');
quit(1);
