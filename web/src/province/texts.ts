// The province workspace's texts (本省工作台).
// Chinese first; the English record must name every key the Chinese one has.
export const zh = {
  navProvinceHome: "首页",
  provinceTitle: "本省工作台",
  provinceIntro: "活动记录、统计表（附件1）、风险信息监测点（附件2）、总结材料与典型案例的报送将在本工作台办理。",
  provinceComing: "本省工作台正在建设中",
  currentCampaign: "本年度活动",
  daysLeft: "距报送截止还有 {days} 天",
  deadlinePassed: "报送已截止",
  mySubmission: "本省报送状态",
  noCampaign: "尚无活动年度",
};

export const en: Record<keyof typeof zh, string> = {
  navProvinceHome: "Home",
  provinceTitle: "Province workspace",
  provinceIntro: "Records, the statistics table (Attachment 1), the monitoring-point register (Attachment 2), the summary and the typical cases will be handled here.",
  provinceComing: "The province workspace is being built",
  currentCampaign: "Current campaign",
  daysLeft: "{days} days left to the deadline",
  deadlinePassed: "the deadline has passed",
  mySubmission: "Your report",
  noCampaign: "No campaign yet",
};
