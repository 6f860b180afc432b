"""A highly available PostgreSQL on this machine, made of the parts a national deployment runs.

`make cluster` (`python -m dbcluster start`) starts, on free loopback ports in a throwaway directory:
- etcd, the store Patroni keeps its leader lock and membership in;
- three PostgreSQL 15 servers managed by Patroni: a primary and two streaming replicas, one of them
  synchronous (`synchronous_mode`), so a commit is acknowledged only once a replica has it on disk;
- HAProxy, which asks each node's Patroni REST API who is primary and who is replica (`/primary`,
  `/replica`) every half second: one port always reaches the current primary, another a replica;
- PgBouncer in transaction mode in front of each of HAProxy's ports: the URLs the app servers use.

Nothing here is home-made: failure detection, leader election and promotion are Patroni's; following the
leader is HAProxy's health checks, as Patroni's own documentation deploys it. This package only writes the
configuration files, starts the processes and answers what tests need (who is primary; pause a replica).
"""
