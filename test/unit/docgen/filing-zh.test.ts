/**
 * The Chinese filing document (Article 7): the provider block from the provider file and nothing
 * invented, every part the issue lists, internal ids only in the appendix, and the provider file
 * read strictly.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { main } from "../../../src/cli/main.js";
import type { Io } from "../../../src/cli/io.js";
import { creditCodeProblem, filingDocumentZh, parseProvider, render } from "../../../src/docgen/index.js";
import { policyId } from "../../../src/ir/identity.js";
import { compiled, compileText, REFERENCE } from "./helpers.js";
import { checkHtml } from "./wellformed.js";

const dir = mkdtempSync(join(tmpdir(), "qungui-filing-zh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function docs(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), color: false };
  const code = await main(["node", "qungui", "docs", ...args], io);
  return { code, out, err };
}

/** Visible text of an HTML fragment. */
function text(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<\/(td|th|p|li|h[1-6]|caption)>/g, "\n").replace(/<[^>]+>/g, "").replace(/&[a-z#0-9]+;/g, " ");
}

describe("provider file", () => {
  test("valid fields are kept; absent or empty ones stay absent", () => {
    const r = parseProvider("organisation: 某某网络科技有限公司\ncreditCode: 91330100716105852F\nphone: 0571-12345678\nemail:\ndate: 2026-12-02\n");
    expect(r.problems).toEqual([]);
    expect(r.provider).toEqual({ organisation: "某某网络科技有限公司", creditCode: "91330100716105852F", phone: "0571-12345678", date: "2026-12-02" });
    // A telephone number written without quotes keeps its leading 0.
    expect(parseProvider("phone: 01012345678").provider.phone).toBe("01012345678");
    expect(parseProvider("").problems).toEqual([]);
  });

  test("every problem is reported, with the key it concerns", () => {
    const r = parseProvider("creditCode: 91330100716105852G\nemail: nobody\ndate: 2026-02-30\nicp: [a, b]\nseal: yes\nphone: call me\n");
    expect(r.problems).toHaveLength(6);
    expect(r.problems.join("\n")).toMatch(/creditCode \(统一社会信用代码\): "91330100716105852G" has the check character G, but the first 17 characters give F/);
    expect(r.problems.join("\n")).toContain("email (联系邮箱)");
    expect(r.problems.join("\n")).toContain("date (填报日期)");
    expect(r.problems.join("\n")).toContain("icp (ICP 备案号或许可证号): must be text");
    expect(r.problems.join("\n")).toContain('unknown key "seal"');
    expect(r.problems.join("\n")).toContain("phone (联系电话)");
    expect(parseProvider("a: 1\na: 2").problems[0]).toMatch(/not valid YAML/);
    expect(parseProvider("- a").problems[0]).toMatch(/must be a mapping/);
  });

  test("unified social credit codes: length, alphabet, check character (GB 32100-2015)", () => {
    for (const ok of ["91330100716105852F", "9144030071526726XG", "91110000802100433B"]) expect(creditCodeProblem(ok)).toBeNull();
    expect(creditCodeProblem("9133010071610585")).toMatch(/16 characters/);
    expect(creditCodeProblem("91330100716105852I")).toMatch(/contains "I"/);
    expect(creditCodeProblem("91330100716105853F")).toMatch(/check character/);
  });
});

describe("the Chinese filing of the reference policy", () => {
  const { ir } = compiled(REFERENCE);
  const html = render(filingDocumentZh({ ir }), "html");
  const [body, appendix] = html.split('<section id="appendix-ids"') as [string, string];

  test("is a well-formed Chinese page", () => {
    expect(checkHtml(html).problems).toEqual([]);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("<title>互联网群组分级分类管理制度</title>");
  });

  test("has every part of a 分级分类管理制度", () => {
    for (const part of ["提供者基本信息", "制定依据和适用范围", "版本和施行时间", "服务协议和真实身份信息认证", "群组分类", "分级标准和定级规则", "定级规则", "信用等级管理", "信用等级的升降", "信用等级与服务对照表", "群组成员人数和个人建群数、参加群数上限", "群组管理和管理责任", "违规信息类别", "处置措施和黑名单管理", "投诉举报处理", "日志和记录留存", "附录：内部标识对照"]) {
      expect(body + appendix, part).toContain(part);
    }
    const t = text(body);
    // The figures the platform chose, in Chinese.
    for (const s of ["1至100人", "101至500人", "501至2000人", "达到1000条", "信用等级不低于B级", "初始信用等级为C级", "由低到高依次为D级、C级、B级、A级", "每个群组的成员人数不超过2000人", "不超过3个；信用等级达到B级的，不超过10个；达到A级的，不超过20个", "成员达到100人的群组，应当设置群信息页面", "48小时内处理完毕", "留存6个月", "对成员禁言（每次1日）", "在24小时内予以处置", "自2017年10月8日（北京时间）起施行", "同一群组在30日内累计出现3次严重违规信息的", "责令其在3日内整改"]) expect(t, s).toContain(s);
    // How a level falls, and what each level gets.
    expect(t).toContain("群组内出现严重违规信息的，将发布该信息的用户的信用等级降低1级。");
    expect(t).toMatch(/群组类别为“新闻讨论群”的，不得在群组中发布信息（附录第一项）/);
  });

  test("names no internal id outside the appendix", () => {
    const t = text(body);
    const ids = [ir.name, policyId(ir), "A7.", "A8.", "small", "medium", "large", "news-discussion", "warn-on-minor", "close-on-repeat", "minor", "serious", "terrorism", "tolerance", "out of order"];
    for (const id of ids) expect(t, id).not.toContain(id);
    expect(/[a-z]{4,}/.test(t.replace(/qungui docs|Content-Security-Policy/g, "")), t.match(/[a-z]{4,}/g)?.join(" ")).toBe(false);
    // …and the appendix maps them.
    for (const id of ["small", "news-large", "warn-on-minor", "serious", "news-needs-credit", policyId(ir), "A7.tiers"]) expect(appendix).toContain(id);
  });

  test("without a provider file, the provider block is blank, nothing invented", () => {
    const block = body.slice(body.indexOf('class="provider"'), body.indexOf("</table>", body.indexOf('class="provider"')));
    expect(block.match(/<td><\/td>/g)).toHaveLength(9);
    expect(block).toContain('<tr class="seal"><th scope="row">单位盖章</th><td></td></tr>');
  });

  test("with a provider, its details are printed as given", () => {
    const h = render(filingDocumentZh({ ir, provider: { organisation: "某某网络科技有限公司", service: "某某社区", date: "2026-12-02" } }), "html");
    expect(h).toContain("<title>某某社区互联网群组分级分类管理制度</title>");
    expect(h).toContain("<td>2026年12月2日</td>");
    expect(h).toContain("适用于某某网络科技有限公司（以下简称“本单位”）通过“某某社区”提供的互联网群组信息服务");
    const block = h.slice(h.indexOf('class="provider"'), h.indexOf("</table>", h.indexOf('class="provider"')));
    expect(block.match(/<td><\/td>/g)).toHaveLength(6);
  });

  test("an amended policy has one part per version, numbered as formal Chinese numbers them", () => {
    const text2 = readFileSync(REFERENCE, "utf8") + '\namendment "1.1" {\n  effective 2018-01-01 in Asia/Shanghai\n  serves A15.effective\n  complaints {\n    serves A12.complaints\n    resolve within 24 hours\n    otherwise escalate, record, report to authority\n  }\n}\n';
    const amended = compileText(text2, "amended.qg");
    expect(amended.versions).toHaveLength(2);
    const h = render(filingDocumentZh({ ir: amended }), "md");
    expect(h).toContain("## 四、第一版管理制度（自2017年10月8日（北京时间）起施行）");
    expect(h).toContain("## 五、第二版管理制度（自2018年1月1日（北京时间）起施行）");
    expect(h).toContain("### （一）服务协议和真实身份信息认证");
    expect(h).toContain("24小时内处理完毕");
  });
});

describe("the Chinese filing of every example policy", () => {
  for (const file of ["policies/examples/forum.qg", "policies/examples/messenger.qg", "policies/examples/neighbourhood.qg", "examples/tutorial/campus.qg", "test/golden/docs/small.qg"]) {
    test(`${file}: Chinese throughout, ids only in the appendix`, () => {
      const { ir } = compiled(file);
      const html = render(filingDocumentZh({ ir }), "html");
      expect(checkHtml(html).problems).toEqual([]);
      const body = text(html.split('<section id="appendix-ids"')[0]!.split('<main id="main">')[1]!);
      // No Latin word but the "ICP" of the provider block: level, tier, category and measure names are in the appendix.
      expect(body.match(/[A-Za-z][A-Za-z0-9._/-]{2,}/g)?.filter((w) => w !== "ICP") ?? []).toEqual([]);
      for (const part of ["分级标准和定级规则", "信用等级与服务对照表", "附录：内部标识对照"]) expect(html).toContain(part);
    });
  }
});

describe("qungui docs --filing", () => {
  test("Chinese by default, with the provider file; --lang en keeps an English rendering", async () => {
    const provider = join(dir, "provider.yaml");
    writeFileSync(provider, "organisation: 某某网络科技有限公司\ncreditCode: 91330100716105852F\nservice: 某某社区\n");
    const zh = join(dir, "zh");
    const r = await docs(REFERENCE, "--filing", "--provider", provider, "--no-tests", "-o", zh);
    expect(r.code, r.err).toBe(0);
    const h = readFileSync(join(zh, "filing.html"), "utf8");
    expect(h).toContain('<html lang="zh-CN">');
    expect(h).toContain("<td>91330100716105852F</td>");

    const en = join(dir, "en");
    const e = await docs(REFERENCE, "--filing", "--lang", "en", "--provider", provider, "--no-tests", "-o", en);
    expect(e.code, e.err).toBe(0);
    const eh = readFileSync(join(en, "filing.html"), "utf8");
    expect(eh).toContain('<html lang="en">');
    expect(eh).toContain("Unified social credit code");
    expect(eh).toContain("<td>91330100716105852F</td>");
  });

  test("a provider file with problems: every one printed, exit 1, nothing written", async () => {
    const provider = join(dir, "bad.yaml");
    writeFileSync(provider, "creditCode: 91330100716105852G\nemail: nobody\n");
    const out = join(dir, "bad");
    const r = await docs(REFERENCE, "--filing", "--provider", provider, "--no-tests", "-o", out);
    expect(r.code).toBe(1);
    expect(r.err).toContain("creditCode (统一社会信用代码)");
    expect(r.err).toContain("email (联系邮箱)");
    expect(r.err).toContain("2 problems; no document is written");
    expect(existsSync(out)).toBe(false);
  });

  test("--provider needs --filing; --lang takes zh or en", async () => {
    expect((await docs(REFERENCE, "--provider", "x.yaml", "-o", join(dir, "x"))).code).toBe(2);
    expect((await docs(REFERENCE, "--filing", "--lang", "fr", "-o", join(dir, "x"))).code).toBe(2);
  });
});
