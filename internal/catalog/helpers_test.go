package catalog_test

import (
	"context"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/demo"
)

var ctx = context.Background()

// who returns the principal of a demo account.
func who(t testing.TB, a *app.App, username string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// popEntry is a valid household-registration draft of the public security department.
func popEntry() catalog.Entry {
	return catalog.Entry{
		Name: "测试户籍人口信息", Summary: "户籍人口的登记信息", ProviderOrgID: demo.OrgPublicSec,
		Form: catalog.FormTable, ResourceAttr: catalog.AttrBase, Topic: "01", Grade: catalog.GradeGeneral, Level: 3,
		ShareType: catalog.ShareConditional, ShareCondition: "仅限履职需要", ShareReason: "涉及个人信息", ShareBasis: "《中华人民共和国个人信息保护法》第三十四条",
		ShareModes: []string{"api"}, OpenType: catalog.OpenNone, OpenReason: catalog.ReasonPrivacy,
		Frequency: catalog.FreqDaily, Tags: []string{"人口", "户籍"},
		Fields: []catalog.Field{
			{Name: "citizen_id", Label: "公民身份号码", Type: catalog.TypeString, Kind: catalog.KindCitizenID, Required: true, IsKey: true, Sensitivity: 3},
			{Name: "name", Label: "姓名", Type: catalog.TypeString, Kind: catalog.KindName, Required: true, Sensitivity: 2},
			{Name: "hukou_address", Label: "户籍地址", Type: catalog.TypeString, Kind: catalog.KindAddress, Sensitivity: 3},
		},
	}
}

func mustNoErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func auditFilter(action, id string) audit.Filter {
	return audit.Filter{Action: action, ObjectID: id, Limit: 100}
}
