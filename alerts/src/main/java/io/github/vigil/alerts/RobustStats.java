package io.github.vigil.alerts;

/** Median by quickselect on a scratch array (no allocation). Not thread-safe; callers own the scratch. */
final class RobustStats {
  private RobustStats() {}

  /** The median of {@code a[0..n)}; reorders {@code a}. */
  static double median(double[] a, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    int mid = n >>> 1;
    double hi = select(a, 0, n - 1, mid);
    if ((n & 1) == 1) {
      return hi;
    }
    double lo = a[0];
    for (int i = 1; i < mid; i++) {   // after select, a[0..mid) are all <= a[mid]
      if (a[i] > lo) {
        lo = a[i];
      }
    }
    return (lo + hi) / 2;
  }

  /** Hoare's quickselect: the k-th smallest of a[left..right], which it leaves at a[k]. */
  static double select(double[] a, int left, int right, int k) {
    while (right > left) {
      int mid = (left + right) >>> 1;
      // median of three as pivot
      if (a[mid] < a[left]) {
        swap(a, mid, left);
      }
      if (a[right] < a[left]) {
        swap(a, right, left);
      }
      if (a[right] < a[mid]) {
        swap(a, right, mid);
      }
      double pivot = a[mid];
      int i = left;
      int j = right;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(a, i, j);
          i++;
          j--;
        }
      }
      if (k <= j) {
        right = j;
      } else if (k >= i) {
        left = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static void swap(double[] a, int i, int j) {
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
