// Package docs holds no code: its tests keep the documentation true to the code, e.g. that every
// requirement id (需求编号) cited in the code or docs is defined in docs/requirements.md.
package docs
