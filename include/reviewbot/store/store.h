// Store is a whole backend: the narrow interfaces its clients use (the intake's
// InputStore, the dispatcher's OutboxStore, the owner's OwnerReads and OwnerDesk, the
// dashboard login's OwnerAccounts) plus a health check.
// Clients take the narrowest interface they need; only main and the contract tests see a
// whole Store. Implementations are thread-safe.
#pragma once

#include "reviewbot/store/input_store.h"
#include "reviewbot/store/outbox_store.h"
#include "reviewbot/store/owner_accounts.h"
#include "reviewbot/store/owner_desk.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::store {

class Store : public InputStore,
              public OutboxStore,
              public OwnerReads,
              public OwnerAccounts,
              public OwnerDesk {
 public:
  // Cheap check that the database answers and accepts writes (for /readyz): a write that
  // changes nothing, so read-only mode, missing write privileges and a held write lock
  // (past the busy timeout) all count as down, and so does a failed sync of the disk.
  virtual bool ping() = 0;

  // A key the service keeps for itself (the deep links' signing secret): the value stored
  // under `name`, storing `proposed` first when there is none. Every later call, from any
  // instance sharing the database, returns the first value stored, whatever it proposes.
  virtual core::Result<std::string> keep_key(const std::string& name,
                                             const std::string& proposed) = 0;
};

}  // namespace reviewbot::store
