using System.Globalization;
using System.Text;

namespace Livechat.Client;

/// <summary>Builds a query string the way the server reads it: arrays as repeated <c>key[]</c>, dates as ISO UTC.</summary>
internal sealed class QueryString
{
    readonly StringBuilder _text = new();

    public QueryString Add(string key, string? value)
    {
        if (value is null) return this;
        _text.Append(_text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        return this;
    }

    public QueryString Add(string key, int? value) => Add(key, value?.ToString(CultureInfo.InvariantCulture));

    public QueryString Add(string key, bool? value) => Add(key, value is null ? null : value.Value ? "true" : "false");

    public QueryString AddArray(string key, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Add(key + "[]", value);
        }
        return this;
    }

    public QueryString AddPage(PageRequest? page)
    {
        if (page is null) return this;
        Add("count", page.Count).Add("offset", page.Offset);
        if (page.Sort is var (field, direction))
        {
            Add("sort", $"{{\"{field}\":{(direction < 0 ? -1 : 1).ToString(CultureInfo.InvariantCulture)}}}");
        }
        return this;
    }

    public static string Date(DateTime value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public override string ToString() => _text.ToString();
}
