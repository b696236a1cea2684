"""The vendor dialects' doors, and what only they share: faults on their own paths, their OpenAPI
parts."""
