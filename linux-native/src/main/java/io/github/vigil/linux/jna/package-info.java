/**
 * JNA bindings to the C library, kept in one place: a package-private {@code LinuxLibC} interface and
 * small facades ({@link io.github.vigil.linux.jna.Pidfd}, {@link io.github.vigil.linux.jna.Spawner},
 * {@link io.github.vigil.linux.jna.Poller}, {@link io.github.vigil.linux.jna.Fds},
 * {@link io.github.vigil.linux.jna.Kernel}) that never hand out a {@code Pointer} and turn errno into a
 * {@link io.github.vigil.linux.jna.NativeCallException} naming the call. Linux constants only;
 * x86-64 and aarch64. Internal to the Linux backend: not a supported API.
 */
@NullMarked
package io.github.vigil.linux.jna;

import org.jspecify.annotations.NullMarked;
