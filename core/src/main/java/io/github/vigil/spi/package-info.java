/**
 * The backend SPI: how the supervision engine spawns, signals and watches processes on a given
 * operating system. The portable JDK backend (provider {@code "jdk"}, package-private here) is the default; the
 * {@code vigil-linux-native} module adds a faster, exact Linux backend found through
 * {@link java.util.ServiceLoader}.
 */
@NullMarked
package io.github.vigil.spi;

import org.jspecify.annotations.NullMarked;
