// Package privacy holds the differential-privacy mechanisms (差分隐私) of the statistics products:
// exact samplers of the discrete Laplace distribution (two-sided geometric) driven by crypto/rand,
// with every parameter an integer or a ratio of integers so that no floating-point rounding can
// leak the true value (Mironov 2012; the Google DP library and OpenDP avoid it the same way). The
// algorithms are those of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
// Privacy" (NeurIPS 2020), Algorithms 1 and 2. The package is pure: no database, no clock.
package privacy

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
)

// Source is the randomness the samplers draw from; crypto/rand by default. Tests never replace it
// with a predictable one outside this package's own distribution tests.
type Source struct {
	R   io.Reader
	buf [8]byte
}

// Secure is the default source: the operating system's cryptographic generator.
func Secure() *Source { return &Source{R: rand.Reader} }

func (s *Source) u64() uint64 {
	r := s.R
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, s.buf[:]); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+ panics itself rather than
		// return an error); a failing custom reader is a programming error.
		panic("privacy: randomness source failed: " + err.Error())
	}
	return binary.LittleEndian.Uint64(s.buf[:])
}

// Uniform returns an integer uniformly distributed in [0, n), n > 0, without modulo bias
// (Lemire's nearly-divisionless method with rejection).
func (s *Source) Uniform(n uint64) uint64 {
	if n == 0 {
		panic("privacy: Uniform(0)")
	}
	hi, lo := bits.Mul64(s.u64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(s.u64(), n)
		}
	}
	return hi
}

// Bernoulli returns true with probability num/den exactly (0 ≤ num ≤ den, den > 0).
func (s *Source) Bernoulli(num, den uint64) bool {
	return s.Uniform(den) < num
}

// BernoulliExp returns true with probability exp(−num/den) exactly (num ≥ 0, den > 0).
// CKS 2020 Algorithm 1: for γ ∈ [0,1], draw A_k ~ Bernoulli(γ/k) for k = 1, 2, … until the
// first failure at K; the result is "K is odd". For γ > 1, exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ−⌊γ⌋)).
func (s *Source) BernoulliExp(num, den uint64) bool {
	for num > den {
		if !s.bernoulliExp01(1, 1) {
			return false
		}
		num -= den
	}
	return s.bernoulliExp01(num, den)
}

func (s *Source) bernoulliExp01(num, den uint64) bool {
	k := uint64(1)
	// Bernoulli(γ/k) is drawn as Bernoulli(num/den) ∧ Bernoulli(1/k): independent, so the
	// probability is their product, with no product of integers that could overflow.
	for s.Bernoulli(num, den) && s.Bernoulli(1, k) {
		k++
	}
	return k%2 == 1
}

// ErrScale is returned for a non-positive scale.
var ErrScale = errors.New("privacy: the scale must be a positive ratio of integers")

// DiscreteLaplace returns a sample Z of the discrete Laplace distribution with scale t/s:
// P(Z = z) ∝ exp(−|z|·s/t), z ∈ ℤ (CKS 2020 Algorithm 2). For a query of sensitivity Δ answered
// with privacy loss ε = e/1000, the scale is Δ/ε, so t = 1000·Δ and s = e.
func (s *Source) DiscreteLaplace(t, sc uint64) (int64, error) {
	if t == 0 || sc == 0 || t > 1<<62 || sc > 1<<62 || t/sc > 1<<40 {
		return 0, ErrScale
	}
	for {
		u := s.Uniform(t)
		if !s.BernoulliExp(u, t) {
			continue
		}
		v := uint64(0)
		for s.BernoulliExp(1, 1) {
			v++
		}
		// X = U + t·V and Y = ⌊X/s⌋ in 128 bits: with t/s ≤ 2^40, Y overflows 2^62 only for
		// V ≥ 2^22, which has probability exp(−2^22).
		hi, lo := bits.Mul64(t, v)
		var carry uint64
		lo, carry = bits.Add64(lo, u, 0)
		hi += carry
		if hi >= sc {
			continue
		}
		y, _ := bits.Div64(hi, lo, sc)
		if y > 1<<62 {
			continue
		}
		b := s.Bernoulli(1, 2)
		if b && y == 0 {
			continue
		}
		if b {
			return -int64(y), nil
		}
		return int64(y), nil
	}
}
