using System.Diagnostics;
using System.Text;

namespace Livechat.Server.Hosting;

/// <summary>
/// One line per request that names its route's pattern rather than its path and masks the value of every
/// secret-looking query parameter. The website widget sends its visitor token in paths
/// (<c>livechat/visitor/{token}</c>) and query strings (<c>livechat/room?token=…</c>), and ASP.NET Core's own
/// "Request starting" lines print whole URLs (and its routing prints paths at Debug), so <see cref="HideRequestUrls"/>
/// keeps those quiet whatever the configuration says and this line (category <c>Livechat.Server.Hosting.RequestLog</c>,
/// at <see cref="LogLevel.Debug"/>) takes their place. A path no route matched (static files, 404s) is written as it came.
/// </summary>
public static partial class RequestLog
{
    /// <summary>Query parameters whose values are never written: tokens under any spelling, passwords, secrets, keys.</summary>
    static readonly string[] SecretWords = ["token", "pass", "secret", "resume", "key"];

    /// <summary>
    /// The least a category of ASP.NET Core may log: below these, its lines print request paths (routing's matcher at
    /// Debug, the "Request starting" lines at Information), and paths and query strings can carry visitor tokens.
    /// </summary>
    static readonly (string Category, LogLevel Floor)[] Floors =
    [
        ("Microsoft.AspNetCore", LogLevel.Information),
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning),
    ];

    /// <summary>
    /// Keeps the framework's path-printing lines out of the log whatever the configuration asks: every filter rule for
    /// an ASP.NET Core category is raised to that category's floor, and the floors apply where no rule names them.
    /// </summary>
    public static IServiceCollection HideRequestUrls(this IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            var rules = Floors.Select(f => new LoggerFilterRule(null, f.Category, f.Floor, null))
                .Concat(options.Rules.Select(Raised)).ToList();
            options.Rules.Clear();
            rules.ForEach(options.Rules.Add);
        });

    /// <summary>The rule with its level raised to the floor of the most specific <see cref="Floors"/> entry its category falls under.</summary>
    static LoggerFilterRule Raised(LoggerFilterRule rule)
    {
        var floor = Floors.Where(f => rule.CategoryName is { } c && (c == f.Category || c.StartsWith(f.Category + ".", StringComparison.Ordinal)))
            .Select(f => (LogLevel?)f.Floor).LastOrDefault();
        return floor is { } least && (rule.LogLevel ?? LogLevel.Trace) < least
            ? new LoggerFilterRule(rule.ProviderName, rule.CategoryName, least, rule.Filter)
            : rule;
    }

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestLog));
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Debug))
            {
                await next(context);
                return;
            }
            var start = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText : context.Request.Path.Value;
                var query = Masked(context.Request.QueryString);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                Answered(logger, context.Request.Method, route, query, context.Response.StatusCode, elapsed);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Route}{Query} answered {StatusCode} in {Elapsed:F1} ms")]
    static partial void Answered(ILogger logger, string method, string? route, string query, int statusCode, double elapsed);

    /// <summary>The query string with the value of every parameter whose name holds a <see cref="SecretWords"/> entry replaced by <c>***</c>.</summary>
    public static string Masked(QueryString query)
    {
        if (!query.HasValue) return "";
        var masked = new StringBuilder();
        foreach (var pair in query.Value!.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var secret = SecretWords.Any(word => Uri.UnescapeDataString(name).Contains(word, StringComparison.OrdinalIgnoreCase));
            masked.Append(masked.Length == 0 ? '?' : '&').Append(secret && equals >= 0 ? $"{name}=***" : pair);
        }
        return masked.ToString();
    }
}
