package open

import "pubdata/internal/vocab"

func init() {
	vocab.Register(vocab.JobName, map[string][2]string{"open.exports": {"预生成开放数据下载文件", "Build open data download files"}})
}
