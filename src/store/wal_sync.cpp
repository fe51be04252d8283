#include "reviewbot/store/wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace reviewbot::store {

WalSync::~WalSync() {
  if (fd_ >= 0) ::close(fd_);
}

core::Status WalSync::open_current() {
  struct stat at_path {};
  if (::stat(path_.c_str(), &at_path) != 0) {
    return core::Error{"cannot find the write-ahead log " + path_ + ": " + std::strerror(errno)};
  }
  if (fd_ >= 0 && at_path.st_dev == dev_ && at_path.st_ino == ino_) return core::ok_status();
  // O_NONBLOCK only keeps open() from waiting on something that is not a regular file.
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return core::Error{"cannot open the write-ahead log " + path_ + ": " + std::strerror(errno)};
  }
  struct stat opened {};
  if (::fstat(fd, &opened) != 0) {
    const int error = errno;
    ::close(fd);
    return core::Error{"cannot read the write-ahead log " + path_ + ": " + std::strerror(error)};
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  dev_ = opened.st_dev;
  ino_ = opened.st_ino;
  return core::ok_status();
}

core::Status WalSync::sync() {
  const uint64_t wanted = commits_.load(std::memory_order_acquire);
  std::lock_guard lock(mu_);
  if (failure_) return core::Error{*failure_};
  if (synced_ >= wanted) return core::ok_status();
  // Every commit noted by now has written its frames: this fdatasync covers them all.
  const uint64_t covered = commits_.load(std::memory_order_acquire);
  if (auto opened = open_current(); !opened) return opened;
  if (::fdatasync(fd_) != 0) {
    failure_ = "syncing the write-ahead log " + path_ + " failed: " + std::strerror(errno) +
               " (inputs are refused until restart)";
    return core::Error{*failure_};
  }
  ++syncs_;
  synced_ = covered;
  return core::ok_status();
}

bool WalSync::failed() const {
  std::lock_guard lock(mu_);
  return failure_.has_value();
}

uint64_t WalSync::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

}  // namespace reviewbot::store
