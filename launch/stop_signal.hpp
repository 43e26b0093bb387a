#pragma once
// SIGTERM / SIGINT (what Slurm and mpirun send before preemption or on
// Ctrl-C) set one process-wide flag that every role loop polls; the roles
// then stop cleanly (learners checkpoint, replay dumps, the gate flushes).
namespace dreamer {

// Installs the handlers (idempotent).
void install_stop_handlers();
// True once SIGTERM or SIGINT arrived (async-signal-safe read).
bool stop_requested();
// Lets tests and roles request a stop as if a signal arrived.
void request_stop();

}  // namespace dreamer
