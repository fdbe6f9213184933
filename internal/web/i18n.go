package web

import (
	"net/http"
	"sync"

	"pubdata/internal/httpapi"
)

// Messages are UI strings: key → {Chinese, English}. Chinese is the default language.
var (
	msgMu    sync.RWMutex
	messages = map[string][2]string{}
)

// Register adds UI strings (each capability registers its own from its own file).
func Register(m map[string][2]string) {
	msgMu.Lock()
	defer msgMu.Unlock()
	for k, v := range m {
		messages[k] = v
	}
}

// T translates a key; an unknown key is shown as itself so a gap is visible, not silent.
func T(lang, key string) string {
	msgMu.RLock()
	v, ok := messages[key]
	msgMu.RUnlock()
	if !ok {
		return key
	}
	if lang == "en" && v[1] != "" {
		return v[1]
	}
	return v[0]
}

// Lang is the UI language of a request: the pd_lang cookie, else zh.
func Lang(r *http.Request) string {
	if c, err := r.Cookie(httpapi.LangCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "zh"
}

func init() {
	Register(map[string][2]string{
		"app.name":         {"公共数据平台", "Public Data Platform"},
		"app.skip":         {"跳到主要内容", "Skip to main content"},
		"nav.home":         {"首页", "Home"},
		"nav.inbox":        {"消息", "Inbox"},
		"nav.audit":        {"审计日志", "Audit log"},
		"nav.calendar":     {"工作日历", "Calendar"},
		"nav.directory":    {"机构与用户", "Directory"},
		"nav.tokens":       {"API 令牌", "API tokens"},
		"nav.jobs":         {"定时任务", "Jobs"},
		"nav.login":        {"登录", "Log in"},
		"nav.logout":       {"退出", "Log out"},
		"nav.register":     {"注册", "Register"},
		"nav.lang":         {"English", "中文"},
		"nav.large":        {"大字模式", "Large text"},
		"nav.menu":         {"菜单", "Menu"},
		"nav.normal":       {"标准字号", "Normal text"},
		"nav.api":          {"API 文档", "API docs"},
		"login.title":      {"登录", "Log in"},
		"login.username":   {"用户名", "Username"},
		"login.password":   {"密码", "Password"},
		"login.submit":     {"登录", "Log in"},
		"register.title":   {"公众注册", "Register"},
		"register.kind":    {"主体类型", "Person kind"},
		"register.natural": {"自然人", "Natural person"},
		"register.legal":   {"法人或其他组织", "Legal person or organization"},
		"register.name":    {"姓名/联系人", "Name"},
		"register.idnum":   {"公民身份号码（可选）", "Citizen ID number (optional)"},
		"register.credit":  {"统一社会信用代码", "Unified social credit code"},
		"register.orgname": {"单位名称", "Organization name"},
		"register.phone":   {"手机号码", "Mobile phone"},
		"register.email":   {"电子邮箱", "Email"},
		"register.submit":  {"注册", "Register"},
		"register.done":    {"注册成功，请登录。", "Registered. Please log in."},
		"home.title":       {"工作台", "Dashboard"},
		"home.welcome":     {"欢迎", "Welcome"},
		"home.org":         {"所属机构", "Organization"},
		"home.roles":       {"角色", "Roles"},
		"home.unread":      {"未读消息", "Unread messages"},
		"home.public":      {"公共数据平台汇聚本地区各部门的公共数据目录与数据，依法共享、开放并支持授权运营。", "The platform catalogs and aggregates the region's public data, shares it between agencies, opens it to society and supports authorized operation."},
		"audit.title":      {"审计日志", "Audit log"},
		"audit.actor":      {"操作人", "Actor"},
		"audit.org":        {"机构", "Organization"},
		"audit.action":     {"操作", "Action"},
		"audit.object":     {"对象", "Object"},
		"audit.objecttype": {"对象类型", "Object type"},
		"audit.grant":      {"授权/用途", "Grant / purpose"},
		"audit.result":     {"结果", "Result"},
		"audit.ip":         {"客户端地址", "Client address"},
		"audit.time":       {"时间", "Time"},
		"audit.from":       {"起始日期", "From"},
		"audit.to":         {"截止日期", "To"},
		"audit.search":     {"检索", "Search"},
		"audit.verify":     {"校验哈希链", "Verify chain"},
		"audit.chain_ok":   {"哈希链完整", "Hash chain intact"},
		"audit.chain_bad":  {"哈希链被破坏", "Hash chain broken"},
		"audit.total":      {"共 %d 条", "%d records"},
		"audit.seq":        {"序号", "No."},
		"cal.title":        {"工作日历", "Working-day calendar"},
		"cal.year":         {"年份", "Year"},
		"cal.date":         {"日期", "Date"},
		"cal.kind":         {"类型", "Kind"},
		"cal.name":         {"名称", "Name"},
		"cal.off":          {"放假", "Day off"},
		"cal.work":         {"调休上班", "Make-up working day"},
		"cal.add":          {"工作日推算", "Add working days"},
		"cal.from":         {"起算日期", "From"},
		"cal.workdays":     {"工作日数", "Working days"},
		"cal.due":          {"到期日", "Due date"},
		"cal.compute":      {"计算", "Compute"},
		"cal.import":       {"导入节假日表", "Import holiday table"},
		"cal.import_help":  {"CSV 每行：日期,类型(off/work 或 休/班),名称；或 JSON 数组。导入会替换文件所涉年份的全部记录。", "CSV lines: date,kind (off/work),name; or a JSON array. Importing replaces every listed year."},
		"cal.file":         {"文件", "File"},
		"cal.imported":     {"已导入 %d 天", "%d days imported"},
		"inbox.title":      {"消息", "Inbox"},
		"inbox.empty":      {"暂无消息", "No messages"},
		"inbox.markread":   {"标为已读", "Mark read"},
		"inbox.unread":     {"未读", "Unread"},
		"tokens.title":     {"API 令牌", "API tokens"},
		"tokens.name":      {"名称", "Name"},
		"tokens.scopes":    {"权限范围", "Scopes"},
		"tokens.ttl":       {"有效天数", "Valid days"},
		"tokens.create":    {"创建令牌", "Create token"},
		"tokens.once":      {"请立即复制保存此令牌，它只显示这一次：", "Copy this token now; it is shown only once:"},
		"tokens.revoke":    {"撤销", "Revoke"},
		"tokens.expires":   {"到期", "Expires"},
		"tokens.revoked":   {"已撤销", "Revoked"},
		"tokens.lastused":  {"最近使用", "Last used"},
		"dir.title":        {"机构与用户", "Organizations and users"},
		"dir.regions":      {"行政区划", "Regions"},
		"dir.orgs":         {"机构", "Organizations"},
		"dir.users":        {"用户", "Users"},
		"dir.kind":         {"类型", "Kind"},
		"dir.code":         {"代码", "Code"},
		"dir.region":       {"区划", "Region"},
		"jobs.title":       {"定时任务", "Scheduled jobs"},
		"jobs.run":         {"立即运行", "Run now"},
		"jobs.last":        {"上次运行", "Last run"},
		"jobs.error":       {"错误", "Error"},
		"common.save":      {"保存", "Save"},
		"common.submit":    {"提交", "Submit"},
		"common.cancel":    {"取消", "Cancel"},
		"common.prev":      {"上一页", "Previous"},
		"common.next":      {"下一页", "Next"},
		"common.none":      {"无", "None"},
		"common.actions":   {"操作", "Actions"},
		"common.page":      {"第 %d 页", "Page %d"},
		"common.error":     {"出错了", "Something went wrong"},
		"common.back":      {"返回", "Back"},
		"common.yes":       {"是", "Yes"},
		"common.no":        {"否", "No"},
		"common.status":    {"状态", "Status"},
		"common.deadline":  {"期限", "Deadline"},
		"common.overdue":   {"已逾期", "Overdue"},
		"common.left":      {"剩余 %d 个工作日", "%d working days left"},
		"common.export":    {"导出", "Export"},
		"common.search":    {"搜索", "Search"},
		"common.details":   {"详情", "Details"},
		"err.notfound":     {"页面不存在", "Page not found"},
		"err.forbidden":    {"无权访问", "Not allowed"},
		"err.method":       {"不能直接打开此地址", "This address cannot be opened directly"},
		"err.internal":     {"服务器出错了", "Server error"},
		"err.home":         {"回到首页", "Go to the home page"},
		"common.system":    {"系统", "System"},
		"common.line":      {"第 %d 行", "line %d"},
	})
}

// Known tells whether a key is registered (flash messages are keys, never free text).
func Known(key string) bool {
	msgMu.RLock()
	defer msgMu.RUnlock()
	_, ok := messages[key]
	return ok
}
