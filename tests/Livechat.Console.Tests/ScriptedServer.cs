using System.Net;
using System.Text;

namespace Livechat.Console.Tests;

/// <summary>
/// The HTTP side of a component unit test: answers the console's client from a script and records every request
/// (method, path and query, headers, body). This is a bUnit component test of the form's behaviour, not a server test:
/// the server's own answers to these requests are tested against the real server in Livechat.Server.Tests and
/// Livechat.Client.Tests, and end to end by e2e/console.test.mjs.
/// </summary>
public sealed class ScriptedServer : HttpMessageHandler
{
    readonly List<Func<HttpRequestMessage, HttpResponseMessage?>> _answers = [];

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>Answers requests whose path (without the query) ends with <paramref name="path"/>; the latest rule wins.</summary>
    public ScriptedServer On(string path, int status, string json, string? etag = null)
    {
        _answers.Insert(0, request =>
        {
            if (!request.RequestUri!.AbsolutePath.EndsWith(path, StringComparison.Ordinal)) return null;
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            if (etag is not null) response.Headers.TryAddWithoutValidation("ETag", etag);
            return response;
        });
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(request.Method.Method, request.RequestUri!.PathAndQuery,
            request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase), body));
        foreach (var answer in _answers)
        {
            if (answer(request) is { } response) return response;
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"success":false,"error":"Resource not found"}""") };
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
