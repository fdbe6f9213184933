package privacy

import (
	"math"
	"testing"
)

// The discrete Laplace sampler must follow P(z) = (1−p)/(1+p) · p^|z|, p = exp(−s/t): compare the
// empirical frequencies of a large sample with the exact ones (a chi-square test over the central
// values plus one tail bin; the cut-off is the 0.999 quantile, so a correct sampler fails 1 run in 1000).
func TestDiscreteLaplaceDistribution(t *testing.T) {
	for _, c := range []struct{ t, s uint64 }{{1, 1}, {2000, 1000}, {1000, 500}, {3000, 700}} {
		src := Secure()
		const n = 200000
		p := math.Exp(-float64(c.s) / float64(c.t))
		counts := map[int64]int{}
		var sum float64
		for i := 0; i < n; i++ {
			z, err := src.DiscreteLaplace(c.t, c.s)
			if err != nil {
				t.Fatal(err)
			}
			counts[z]++
			sum += float64(z)
		}
		if m := sum / n; math.Abs(m) > 0.05*math.Max(1, float64(c.t)/float64(c.s)) {
			t.Errorf("scale %d/%d: mean %.4f, want ≈ 0", c.t, c.s, m)
		}
		// bins −K … K and the tail |z| > K
		K := int64(3 * float64(c.t) / float64(c.s))
		if K < 2 {
			K = 2
		}
		var chi float64
		var tailObs, tailExp float64
		tailExp = n
		for z := -K; z <= K; z++ {
			e := n * (1 - p) / (1 + p) * math.Pow(p, math.Abs(float64(z)))
			o := float64(counts[z])
			chi += (o - e) * (o - e) / e
			tailExp -= e
			tailObs += o
		}
		tailObs = n - tailObs
		if tailExp > 5 {
			chi += (tailObs - tailExp) * (tailObs - tailExp) / tailExp
		}
		df := float64(2*K + 1)
		// Wilson–Hilferty approximation of the 0.999 chi-square quantile.
		q := df * math.Pow(1-2/(9*df)+3.09*math.Sqrt(2/(9*df)), 3)
		if chi > q {
			t.Errorf("scale %d/%d: chi-square %.1f over %v bins exceeds %.1f", c.t, c.s, chi, df+1, q)
		}
	}
}

func TestBernoulliExpProbability(t *testing.T) {
	src := Secure()
	for _, c := range []struct{ n, d uint64 }{{0, 1}, {1, 2}, {1, 1}, {5, 2}, {7, 3}} {
		const n = 200000
		hits := 0
		for i := 0; i < n; i++ {
			if src.BernoulliExp(c.n, c.d) {
				hits++
			}
		}
		want := math.Exp(-float64(c.n) / float64(c.d))
		got := float64(hits) / n
		sd := math.Sqrt(want * (1 - want) / n)
		if math.Abs(got-want) > 4*sd+1e-9 {
			t.Errorf("exp(-%d/%d): got %.4f want %.4f", c.n, c.d, got, want)
		}
	}
}

func TestUniformIsUnbiased(t *testing.T) {
	src := Secure()
	const n, k = 120000, 3
	var c [k]int
	for i := 0; i < n; i++ {
		c[src.Uniform(k)]++
	}
	for i, v := range c {
		if math.Abs(float64(v)-n/k) > 4*math.Sqrt(n/k) {
			t.Errorf("bucket %d: %d of %d", i, v, n)
		}
	}
}

func TestScaleRefused(t *testing.T) {
	if _, err := Secure().DiscreteLaplace(1<<50, 1); err == nil {
		t.Error("a scale above 2^40 accepted")
	}
	if z, err := Secure().DiscreteLaplace(1<<61, 1<<30); err != nil || z > 1<<40 || z < -(1<<40) {
		t.Errorf("large integers: %d %v", z, err)
	}
	if _, err := Secure().DiscreteLaplace(0, 1); err == nil {
		t.Error("zero scale accepted")
	}
	if _, err := Secure().DiscreteLaplace(1, 0); err == nil {
		t.Error("infinite scale accepted")
	}
}
