package demo

import (
	"context"
	"fmt"

	"pubdata/internal/app"
	"pubdata/internal/market"
)

// Demo data of the data market (MKT; this file sorts after operate.go and quality.go, whose
// products and scores it needs): the market regulation administration's registered asset
// (approved: it is on the public register with its certificate number), the operator's product
// operation right on the population statistics product, and that product listed, so that the
// market pages are not empty.

func loadMarket(ctx context.Context, a *app.App) error {
	if a.Market == nil || a.Operate == nil {
		return nil
	}
	var pid string
	if err := a.DB.QueryRowContext(ctx, "SELECT id FROM opr_products WHERE name = $1", DemoProductPopulation).Scan(&pid); err != nil {
		return nil // no operation demo: nothing to list
	}
	mk, err := principal(ctx, a, "market")
	if err != nil {
		return err
	}
	admin, err := principal(ctx, a, "admin")
	if err != nil {
		return err
	}
	op, err := principal(ctx, a, "operator")
	if err != nil {
		return err
	}
	s := a.Market
	x, err := s.RegisterAsset(ctx, mk, market.AssetInput{Name: "市场主体登记数据资产", EntryID: EntryEnterprise,
		Cost: "登记系统建设与维护约 120 万元/年", Usage: "支撑企业登记信息核验产品、信用监管与营商环境分析"})
	if err != nil {
		return fmt.Errorf("demo asset: %w", err)
	}
	if _, err := s.ReviewAsset(ctx, admin, x.ID, true, "材料齐全，准予登记"); err != nil {
		return fmt.Errorf("demo asset review: %w", err)
	}
	year := a.Now().Year()
	if _, err := s.RecordRight(ctx, admin, market.RightInput{ObjectKind: market.ObjectProduct, ObjectID: pid, Kind: market.RightOperation, HolderOrgID: OrgOperator,
		BasisKind: market.BasisAuthorization, BasisRef: "授权运营协议（演示）", ValidFrom: fmt.Sprintf("%d-01-01", year-1), ValidTo: fmt.Sprintf("%d-12-31", year+2)}); err != nil {
		return fmt.Errorf("demo right: %w", err)
	}
	if _, err := s.List(ctx, op, market.ListingInput{ProductID: pid, SourceStatement: "数据来源于公安厅常住人口信息，依授权运营协议在平台内加工为统计结果，原始数据不出域。",
		PriceNote: "公益用途免费；商业用途按政府指导价"}); err != nil {
		return fmt.Errorf("demo listing: %w", err)
	}
	return nil
}
