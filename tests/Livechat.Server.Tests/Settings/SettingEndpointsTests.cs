using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Settings;

public abstract class SettingEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Theory]
    [InlineData("Livechat_Routing_Method", "\"Auto_Selection\"")]
    [InlineData("Livechat_enabled", "true")]
    [InlineData("Livechat_guest_count", "1")]
    [InlineData("Livechat_webhookUrl", "\"\"")]
    [InlineData("Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes", "5")]
    [InlineData("API_CORS_Origin", "\"*\"")]
    public async Task GetSettingAnswersItsDefault(string id, string value)
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.GetAsync($"settings/{id}");

        reply.Is(200, $$"""{"_id":"{{id}}","value":{{value}},"success":true}""");
    }

    [Fact]
    public async Task StartUpOverridesAreWrittenOverStoredValues()
    {
        var admin = await factory.AdminAsync();

        (await admin.GetAsync("settings/API_Enable_Rate_Limiter")).Is(200, """{"_id":"API_Enable_Rate_Limiter","value":false,"success":true}""");
    }

    [Fact]
    public async Task SetSettingPersistsTypedValueAndAppliesAtOnce()
    {
        var admin = await factory.AdminAsync();

        (await admin.PostAsync("settings/API_Default_Count", new { value = 2 })).Is(200, """{"success":true}""");
        try
        {
            (await admin.GetAsync("settings/API_Default_Count")).Is(200, """{"_id":"API_Default_Count","value":2,"success":true}""");
            (await admin.PostAsync("settings/Livechat_Routing_Method", new { value = "Manual_Selection" })).Is(200, """{"success":true}""");
            (await admin.GetAsync("settings/Livechat_Routing_Method")).Is(200, """{"_id":"Livechat_Routing_Method","value":"Manual_Selection","success":true}""");
        }
        finally
        {
            (await admin.PostAsync("settings/API_Default_Count", new { value = 50 })).Ok();
            (await admin.PostAsync("settings/Livechat_Routing_Method", new { value = "Auto_Selection" })).Ok();
        }
    }

    [Theory]
    [InlineData("No_Such_Setting", """{"value":1}""")]
    [InlineData("Livechat_enabled", """{}""")]
    [InlineData("Livechat_enabled", """{"value":"yes"}""")]
    [InlineData("Livechat_guest_count", """{"value":1.5}""")]
    [InlineData("Livechat_guest_count", """{"value":"3"}""")]
    [InlineData("Livechat_webhookUrl", """{"value":null}""")]
    [InlineData("Livechat_Routing_Method", """{"value":"External"}""")]
    [InlineData("Livechat_Routing_Method", """[]""")]
    public async Task SetSettingRejectsUnknownIdsAndWrongTypes(string id, string body)
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.PostRawAsync($"settings/{id}", body);

        reply.Is(400, """{"success":false}""");
        if (id != "No_Such_Setting")
        {
            var stored = (await admin.GetAsync($"settings/{id}")).Ok().Json.GetProperty("value");
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, stored.ValueKind);
            Assert.NotEqual("External", stored.ToString());
            Assert.NotEqual("yes", stored.ToString());
        }
    }

    [Fact]
    public async Task GetUnknownSettingAnswersBareFailure()
    {
        var admin = await factory.AdminAsync();

        (await admin.GetAsync("settings/No_Such_Setting")).Is(400, """{"success":false}""");
    }

    [Fact]
    public async Task SettingsNeedPrivilegedPermissions()
    {
        var user = await factory.CreateUserAsync();
        const string denied = """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""";

        (await user.Api.GetAsync("settings/Livechat_enabled")).Is(403, denied);
        (await user.Api.PostAsync("settings/Livechat_enabled", new { value = false })).Is(403, denied);
        Assert.Equal(401, (await factory.Anonymous().GetAsync("settings/Livechat_enabled")).Code);
    }
}

public sealed class SettingEndpointsSqliteTests(SqliteServerFactory factory) : SettingEndpointsTests<SqliteServerFactory>(factory);

public sealed class SettingEndpointsPostgresTests(PostgresServerFactory factory) : SettingEndpointsTests<PostgresServerFactory>(factory);
