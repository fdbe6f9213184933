package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/errs"
)

// ChannelCorrection is a record correction (记录更正): the provider corrects one record's values
// — after a correction task or an objection (QUA-2, QUA-3) — as a new version of the entry.
const ChannelCorrection Channel = "correction"

// CorrectionInput corrects one record: the fields to change and their new values, and why.
type CorrectionInput struct {
	Key    string            `json:"key"`
	Values map[string]string `json:"values"`
	Reason string            `json:"reason"`
}

// CorrectRecord corrects one record of an entry: the record's current values with the corrected
// ones are loaded as an upsert of that one row, so the correction is a new version (versioned,
// checked by the quality rules like any load, kept in the history) and audited with the fields
// it changed and the reason (not the values: they may be personal data). Only the entry's
// agency (data officers, approvers) may correct; the key itself cannot be corrected.
func (s *Service) CorrectRecord(ctx context.Context, p *authz.Principal, entryID string, in CorrectionInput, clientIP string) (_ *LoadResult, err error) {
	defer errs.Wrap(&err, "ingest: CorrectRecord(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return nil, err
	}
	act := ActorOf(p, clientIP)
	if err := authz.Ingest(p, authz.Create, attrsOf(e)); err != nil {
		s.logDenied(ctx, act, "ingest.record.correct", e.ID)
		return nil, err
	}
	var fe []apperr.FieldError
	if strings.TrimSpace(in.Reason) == "" {
		fe = append(fe, apperr.Field("reason", "请说明更正的原因和依据", "state why the record is corrected"))
	}
	if len(in.Values) == 0 {
		fe = append(fe, apperr.Field("values", "请填写要更正的信息项及新值", "give the fields to correct and their new values"))
	}
	keys := e.KeyFields()
	for name := range in.Values {
		if _, ok := e.Field(name); !ok {
			fe = append(fe, apperr.Field("values", "不是该目录的信息项："+name, "not a field of this entry: "+name))
		} else if slices.Contains(keys, name) {
			fe = append(fe, apperr.Field("values", "主键信息项不能更正（请删除后重新报送）："+name, "a key field cannot be corrected (delete and load the record again): "+name))
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return nil, err
	}
	rec, err := s.Lookup(ctx, e.ID, in.Key)
	if err != nil {
		return nil, err
	}
	changed := []string{}
	row := make(map[string]any, len(rec.Values))
	for k, v := range rec.Values {
		row[k] = v
	}
	for name, v := range in.Values {
		v = strings.TrimSpace(v)
		if rec.Values[name] != v {
			changed = append(changed, name)
		}
		row[name] = v
	}
	sort.Strings(changed)
	if len(changed) == 0 {
		return nil, apperr.Invalid.With(apperr.Field("values", "新值与现有值相同，没有需要更正的内容", "the new values equal the current ones; nothing to correct"))
	}
	res, err := s.LoadEntry(ctx, act, e, LoadRequest{EntryID: e.ID, Mode: ModeUpsert, Channel: ChannelCorrection, Format: FormatRows,
		FileName: "记录更正 / record correction", Objects: []map[string]any{row}, ClientIP: clientIP})
	if err != nil {
		return res, err
	}
	if res.Load.Status == StatusCommitted && s.Audit != nil {
		if err := s.Audit.Log(ctx, audit.Event{ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, Action: "ingest.record.correct",
			ObjectType: "catalog_entry", ObjectID: e.ID, ClientIP: clientIP,
			Detail: map[string]any{"key_hash": keyDigest(in.Key), "fields": changed, "reason": strings.TrimSpace(in.Reason), "version": res.Load.Version, "load_id": res.Load.ID}}); err != nil {
			return res, err
		}
	}
	return res, nil
}

// keyDigest identifies a record key in the audit log without writing the key (an ID number)
// itself.
func keyDigest(key string) string {
	h := sha256.Sum256([]byte("pubdata/ingest/key\x00" + strings.TrimSpace(key)))
	return hex.EncodeToString(h[:8])
}
