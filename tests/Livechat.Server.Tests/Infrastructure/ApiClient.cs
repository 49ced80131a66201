using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>An answer: status, raw body, parsed JSON and headers.</summary>
public sealed record Reply(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public int Code => (int)Status;

    /// <summary>A response or content header's value(s), comma-joined; empty when absent.</summary>
    public string Header(string name) =>
        Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : ContentHeaders is not null && ContentHeaders.TryGetValues(name, out var content) ? string.Join(", ", content)
        : "";

    /// <summary>Asserts the exact body, compared as JSON values (property order included).</summary>
    public Reply Is(int status, string expectedJson)
    {
        Assert.True(Code == status, $"expected {status}, got {Code}: {Body}");
        Assert.Equal(Normalize(expectedJson), Normalize(Body));
        return this;
    }

    public Reply Ok()
    {
        Assert.True(Code == 200, $"expected 200, got {Code}: {Body}");
        Assert.True(Json.GetProperty("success").GetBoolean(), Body);
        return this;
    }

    static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}

/// <summary>Talks to the server over HTTP, optionally as a logged-in user.</summary>
public sealed class ApiClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public string? UserId { get; private set; }
    public string? Token { get; private set; }

    public ApiClient As(string userId, string token)
    {
        UserId = userId;
        Token = token;
        Http.DefaultRequestHeaders.Remove("X-User-Id");
        Http.DefaultRequestHeaders.Remove("X-Auth-Token");
        Http.DefaultRequestHeaders.Add("X-User-Id", userId);
        Http.DefaultRequestHeaders.Add("X-Auth-Token", token);
        return this;
    }

    public async Task<ApiClient> LoginAsync(string user, string password)
    {
        var reply = (await PostAsync("login", new { user, password })).Ok();
        var data = reply.Json.GetProperty("data");
        return As(data.GetProperty("userId").GetString()!, data.GetProperty("authToken").GetString()!);
    }

    public Task<Reply> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, Url(path)));

    public Task<Reply> DeleteAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Delete, Url(path)));

    /// <summary>A DELETE with a JSON body (Rocket.Chat's <c>canned-responses</c>).</summary>
    public Task<Reply> DeleteAsync(string path, object body) => SendJsonAsync(HttpMethod.Delete, path, body);

    public Task<Reply> PostAsync(string path, object? body = null) => SendJsonAsync(HttpMethod.Post, path, body);

    public Task<Reply> PutAsync(string path, object? body = null) => SendJsonAsync(HttpMethod.Put, path, body);

    /// <summary>Posts a raw body with the given content type (for malformed input).</summary>
    public Task<Reply> PostRawAsync(string path, string body, string? contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = content });
    }

    Task<Reply> SendJsonAsync(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, Url(path));
        if (body is not null)
        {
            var json = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return SendAsync(request);
    }

    public async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, body, response.Headers, response.Content.Headers);
    }

    static string Url(string path) => path.StartsWith('/') ? path : $"/api/v1/{path}";
}
